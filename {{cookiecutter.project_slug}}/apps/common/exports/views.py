from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import export_job_get_for_user, export_job_status
from .serializers import ExportJobStatusSerializer


class ExportJobDetailView(APIView):
    """An export job's state and progress, for the user who started it (or staff)."""

    @extend_schema(responses=ExportJobStatusSerializer, summary="Status of an export job")
    def get(self, request: Request, pk: int) -> Response:
        job = export_job_get_for_user(job_id=pk, user=request.user)
        return Response(ExportJobStatusSerializer(export_job_status(job=job)).data)
