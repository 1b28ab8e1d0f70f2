"""The export endpoints: `ExportApi` (stream a file, or start a job) and an export job's status.

# apps/orders/urls.py: the whole API of an export, on one line
path("export/", ExportApi.as_view(downloader_class=OrderCSVDownloader, queryset=order_list)),
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .downloader import CSVDownloader
from .registry import export_register
from .selectors import export_job_get_for_user, export_job_status
from .serializers import ExportJobStatusSerializer, ExportStartedSerializer
from .services import export_job_start


class FirstRendererNegotiation(BaseContentNegotiation):
    """Answer with the view's first renderer whatever the client's Accept header says: an
    export answers its file (or a JSON error), even to `Accept: text/csv`."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser:
        return next(iter(parsers))

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ExportSchema(AutoSchema):
    """Both methods take the downloader's FilterSet as query parameters, as a list view does."""

    def get_filter_backends(self) -> list[Any]:
        return [DjangoFilterBackend]


class ExportApi(APIView):
    """GET streams the export's file; POST starts an export job and answers 202 with its status
    URL. Both take the filters from the query string, so the same URL exports the same rows.

    Wire it with the downloader class and the base selector (called on every request);
    `permission_classes` and the rest as for any DRF view. The export is registered under
    `export_name` (default: the downloader's `file_prefix`) for the job runner.
    """

    downloader_class: type[CSVDownloader] | None = None
    queryset: Callable[[], QuerySet] | None = None  # the base selector, e.g. `order_list`
    export_name: str | None = None
    renderer_classes = [JSONRenderer]  # for errors and the 202; the file streams by itself
    content_negotiation_class = FirstRendererNegotiation
    schema = ExportSchema()

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """The view, with its export registered (at URL loading, so a mistake shows at once)."""
        downloader_class = initkwargs.get("downloader_class", cls.downloader_class)
        queryset = initkwargs.get("queryset", cls.queryset)
        if downloader_class is None or queryset is None:
            raise ImproperlyConfigured("ExportApi.as_view() needs downloader_class= and queryset=.")
        name = initkwargs.get("export_name") or cls.export_name or downloader_class.file_prefix
        export_register(name=name, downloader_class=downloader_class, queryset=queryset)
        return super().as_view(**{**initkwargs, "export_name": name})

    @property
    def filterset_class(self) -> type[FilterSet] | None:
        """The downloader's FilterSet: the schema's query parameters come from it."""
        return self.get_downloader_class().filterset_class

    def get_downloader_class(self) -> type[CSVDownloader]:
        if self.downloader_class is None:
            raise ImproperlyConfigured("ExportApi needs a downloader_class.")
        return self.downloader_class

    def get_queryset(self) -> QuerySet:
        if self.queryset is None:
            raise ImproperlyConfigured("ExportApi needs a queryset (the base selector).")
        return self.queryset()

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, _("The CSV file."))}
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        downloader = self.get_downloader_class()(
            user_id=request.user.pk, queryset=self.get_queryset(), query_params=request.query_params
        )
        return downloader.get_result_as_streaming_response()

    @extend_schema(request=None, responses={202: ExportStartedSerializer})
    def post(self, request: Request) -> Response:
        job = export_job_start(
            user=request.user,
            export_name=self.export_name or self.get_downloader_class().file_prefix,
            query_params=request.query_params,
        )
        status_url = request.build_absolute_uri(reverse("export-job-detail", args=[job.pk]))
        data = {"job_id": job.pk, "status": job.status, "status_url": status_url}
        return Response(
            ExportStartedSerializer(data).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": status_url},
        )


class ExportJobDetailView(APIView):
    """An export job's state and progress, for its owner (or a user allowed to see every
    export); a 404 for anyone else, as for a job that does not exist."""

    @extend_schema(responses=ExportJobStatusSerializer, summary=_("Status of an export job"))
    def get(self, request: Request, pk: int) -> Response:
        job = export_job_get_for_user(job_id=pk, user=request.user)
        return Response(ExportJobStatusSerializer(export_job_status(job=job)).data)
