"""`ImportApi`: POST a file, get the preview (`?dry_run=1`) or the import applied.

# apps/orders/urls.py
path("import/", ImportApi.as_view(import_spec=order_import, permission_classes=[IsStaff])),
"""

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.access.client import access_context
from apps.common.schema import ErrorSerializer

from .limits import ImportLimits
from .registry import Import
from .serializers import ImportQuerySerializer, ImportResultSerializer, ImportUploadSerializer
from .services import apply_import, import_preview

# A multipart body carries the file and its part headers: this much more than the file's limit
# is still worth reading to tell the file's own size.
_MULTIPART_SLACK = 64 * 1024


class ImportApi(APIView):
    import_spec: Import | None = None
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run",
                OpenApiTypes.BOOL,
                description=str(ImportQuerySerializer().fields["dry_run"].help_text),
            )
        ],
        responses={
            200: ImportResultSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="Rows changed after the file was exported."
            ),
            413: OpenApiResponse(ErrorSerializer, description="The file is larger than allowed."),
        },
    )
    def post(self, request: Request) -> Response:
        spec = self.import_spec
        if spec is None:
            raise ImproperlyConfigured("ImportApi.as_view(import_spec=...) names its import.")
        limits = ImportLimits.from_settings()
        # Refused before the body is read: a 2 GB upload is never written to a temporary file.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > limits.max_bytes + _MULTIPART_SLACK:
            limits.check_bytes(length)
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        if query.validated_data["dry_run"]:
            result = import_preview(spec=spec, file=file, name=file.name)
        else:
            context = access_context(request)
            result = apply_import(spec=spec, file=file, name=file.name, context=context)
        return Response(ImportResultSerializer(result.as_dict()).data)
