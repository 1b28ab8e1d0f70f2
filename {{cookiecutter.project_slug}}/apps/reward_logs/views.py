from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.permissions import IsStaff
from apps.missions.selectors import mission_get
from apps.users.auth import request_user

from .exports import MissionRewardLogCSVDownloader
from .filters import MissionRewardLogFilter
from .models import MissionRewardLog
from .selectors import mission_reward_totals, reward_log_list
from .serializers import (
    ExportStartedSerializer,
    MissionRewardLogSerializer,
    MissionRewardTotalsSerializer,
)
from .services import reward_log_export_start


class RewardLogListApi(generics.ListAPIView):
    """Reward logs, newest first, filtered by `MissionRewardLogFilter`; page by page."""

    permission_classes = [IsStaff]
    serializer_class = MissionRewardLogSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MissionRewardLogFilter

    def get_queryset(self) -> QuerySet[MissionRewardLog]:
        return reward_log_list()


# The export's query parameters are the list's (MissionRewardLogFilter), spelled out for the
# schema because the export is not a list view.
EXPORT_FILTERS = [
    OpenApiParameter("user", OpenApiTypes.INT),
    OpenApiParameter("mission", OpenApiTypes.INT),
    OpenApiParameter("reward", OpenApiTypes.INT),
    OpenApiParameter("status", OpenApiTypes.STR, enum=MissionRewardLog.Status.values),
    OpenApiParameter("created_after", OpenApiTypes.DATE),
    OpenApiParameter("created_before", OpenApiTypes.DATE),
    OpenApiParameter("id", OpenApiTypes.STR, description="IDs, comma separated"),
]


class _FirstRenderer(BaseContentNegotiation):
    """The export answers CSV (or a JSON error) whatever the client's Accept header says."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class RewardLogExportApi(APIView):
    """The list's rows as CSV, with the list's query parameters (`?status=paid&...`).

    GET streams the file now. POST starts an export job that writes it to S3 and answers 202
    with the job's id and its status URL; poll that URL for progress and the download link.
    Both take the filters from the query string, so the same URL exports the same rows.
    """

    permission_classes = [IsStaff]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        parameters=EXPORT_FILTERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, "The CSV file.")},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        downloader = MissionRewardLogCSVDownloader(
            user_id=request.user.pk, queryset=reward_log_list(), query_params=request.query_params
        )
        return downloader.get_result_as_streaming_response()

    @extend_schema(
        parameters=EXPORT_FILTERS, request=None, responses={202: ExportStartedSerializer}
    )
    def post(self, request: Request) -> Response:
        job = reward_log_export_start(user=request_user(request), query_params=request.query_params)
        status_url = request.build_absolute_uri(reverse("export-job-detail", args=[job.pk]))
        data = {"job_id": job.pk, "status": job.status, "status_url": status_url}
        return Response(
            ExportStartedSerializer(data).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": status_url},
        )


class MissionRewardTotalsApi(APIView):
    """A mission's reward logs counted and summed per status (cached, never stale)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=MissionRewardTotalsSerializer)
    def get(self, request: Request, mission_id: int) -> Response:
        if mission_get(mission_id=mission_id) is None:
            raise NotFound("No such mission.")
        totals = mission_reward_totals(mission_id=mission_id)
        return Response(MissionRewardTotalsSerializer({"mission_id": mission_id, **totals}).data)
