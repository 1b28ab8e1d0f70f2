"""The export endpoints: `ExportApi` (stream a file, or start a job), and the export jobs: the
caller's list, one job's status, and cancelling it.

# apps/orders/urls.py: the whole API of an export (declared in apps/orders/exports.py), one line
path("export/", ExportApi.as_view(export=order_export, permission_classes=[IsStaff])),
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.access.client import access_context
from apps.common.access.models import AccessRecord
from apps.common.access.reasons import REASON_PARAM
from apps.common.exceptions import ApplicationError
from apps.common.models import ExportJob
from apps.common.schema import AutoSchema, ErrorSerializer

from .downloader import ExportRowError, TooManyRowErrors
from .formats import FILE_FORMATS, FORMAT_PARAM, XLSX_MEDIA_TYPE, FileFormat, requested_format
from .pipelines import ListViewPipeline
from .registry import Export, export_get
from .selectors import export_job_get_for_user, export_job_list_own, export_job_status
from .serializers import ExportJobStatusSerializer, ExportStartedSerializer
from .services import (
    export_access_record,
    export_job_cancel,
    export_job_links_hand_out,
    export_job_start,
)

RESPOND_ASYNC = "respond-async"


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


def prefers_async(request: Request) -> bool:
    """Whether the request's `Prefer` header (RFC 7240) holds the `respond-async` preference."""
    preferences = request.headers.get("Prefer", "").split(",")
    return any(pref.split(";")[0].strip().lower() == RESPOND_ASYNC for pref in preferences)


class ExportSchema(AutoSchema):
    """Both methods take the list's query parameters (filters, search, ordering), as the list
    view documents them: the filter backends run over an instance of the list view."""

    def get_filter_backends(self) -> list[Any]:
        # Called while `self.view` is the list view: see _get_filter_parameters.
        return list(getattr(self.view, "filter_backends", []))

    def _get_filter_parameters(self) -> list[Any]:
        list_view = self.view.list_view() if isinstance(self.view, ExportApi) else None
        if list_view is None:
            return []
        export_view, self.view = self.view, list_view
        try:
            return super()._get_filter_parameters()
        finally:
            self.view = export_view


FORMAT_PARAMETER = OpenApiParameter(
    FORMAT_PARAM,
    OpenApiTypes.STR,
    enum=list(FILE_FORMATS),
    description=_(
        "The file's format (default csv). An `Accept` of the XLSX media type asks for xlsx too."
    ),
)
REASON_PARAMETER = OpenApiParameter(
    REASON_PARAM,
    OpenApiTypes.STR,
    description=_(
        "Why you download the file (at most 500 characters), kept in its access record; "
        "required by an export that holds personal data."
    ),
)
PREFER_PARAMETER = OpenApiParameter(
    "Prefer",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description=_(
        "`respond-async`: an export too large to stream starts a job (202) instead of a 400."
    ),
)


class ExportApi(APIView):
    """GET streams the export's file; POST starts an export job and answers 202 with its status
    URL. Both take the list's parameters (filters, search, ordering) from the query string, so
    the same URL exports the same rows in the same order, and the format from `?format=` or the
    `Accept` header. A parameter the list does not take is a 400 naming it; the list's
    pagination parameters are ignored.

    GET streams at most `EXPORTS_STREAM_MAX_ROWS` rows: a larger export is a 400 telling the
    client to start a job, or, with `Prefer: respond-async`, starts one (202).

    Every download leaves an access record (apps/common/access), with `?reason=` (required by
    an export that holds personal data). A streamed file is recorded once its response is
    ready, before its first byte: with the rows counted then (the export counts them once,
    against its limits), so a download the client breaks off is recorded as handed out whole.

    Wire it with the export its app declares in `exports.py`: `as_view(export=order_export)`,
    or by the name it is registered under, `as_view(export_name="order")` (the name a job
    stores); `permission_classes` and the rest as for any DRF view.
    """

    export: Export | None = None
    export_name: str | None = None  # or the export's name, looked up when a request comes
    renderer_classes = [JSONRenderer]  # for errors and the 202; the file streams by itself
    content_negotiation_class = FirstRendererNegotiation
    schema = ExportSchema()

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        if not (initkwargs.get("export") or cls.export or initkwargs.get("export_name")):
            raise ImproperlyConfigured(
                "ExportApi.as_view() needs export= (an Export declared in the app's exports.py) "
                "or export_name= (the name it is registered under)."
            )
        return super().as_view(**initkwargs)

    def get_export(self) -> Export:
        return self.export or export_get(self.export_name or "")

    def list_view(self) -> GenericAPIView | None:
        """The list view the export's rows come from, for the schema (None for another kind of
        pipeline)."""
        pipeline = self.get_export().pipeline
        if not isinstance(pipeline, ListViewPipeline):
            return None
        request = getattr(self, "request", None)
        return pipeline.view({}, request.user if request is not None else AnonymousUser())

    def requested_format(self, request: Request) -> FileFormat:
        return requested_format(request.query_params, request.headers.get("Accept", ""))

    @extend_schema(
        parameters=[FORMAT_PARAMETER, REASON_PARAMETER, PREFER_PARAMETER],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, _("The CSV file.")),
            (200, XLSX_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, _("The XLSX file.")),
            202: OpenApiResponse(
                ExportStartedSerializer, _("Too large to stream, and `Prefer: respond-async`.")
            ),
            422: OpenApiResponse(
                ErrorSerializer, _("A row could not be exported (XLSX: the message names it).")
            ),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        file_format = self.requested_format(request)
        export = self.get_export()
        reason = export.clean_reason(request.query_params)
        downloader = export.downloader(
            user=request.user, query_params=request.query_params, file_format=file_format.name
        )
        rows, most = downloader.count_rows(), settings.EXPORTS_STREAM_MAX_ROWS
        if most and rows > most:
            if prefers_async(request):
                response = self.start_job(request, file_format)
                response["Preference-Applied"] = RESPOND_ASYNC
                return response
            raise ApplicationError(
                gettext(
                    "This export has {rows:,} rows, more than the {most:,} a download streams. "
                    "Start an export job: POST to this URL, or send the header "
                    "`Prefer: respond-async`."
                ).format(rows=rows, most=most)
            )
        try:
            file_response = downloader.get_result_as_streaming_response()
        except (ExportRowError, TooManyRowErrors) as error:
            # Only an XLSX, written whole before it is sent, fails here: the message names the row.
            raise ApplicationError(
                str(error), status_code=status.HTTP_422_UNPROCESSABLE_ENTITY
            ) from error
        export_access_record(
            action=AccessRecord.Action.STREAMED,
            context=access_context(request),
            export_name=export.name,
            personal_data=export.holds_personal_data(),
            downloader=downloader,
            row_count=rows,
            reason=reason,
        )
        return file_response

    @extend_schema(
        request=None,
        parameters=[FORMAT_PARAMETER, REASON_PARAMETER],
        responses={202: ExportStartedSerializer},
    )
    def post(self, request: Request) -> Response:
        return self.start_job(request, self.requested_format(request))

    def start_job(self, request: Request, file_format: FileFormat) -> Response:
        """Start a job (or find the same one already under way) and answer 202 with its URL."""
        job = export_job_start(
            user=request.user,
            export_name=self.get_export().name,
            query_params=request.query_params,
            file_format=file_format.name,
            context=access_context(request),
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
    export); a 404 for anyone else, as for a job that does not exist. A download link handed
    out leaves an access record."""

    @extend_schema(responses=ExportJobStatusSerializer, summary=_("Status of an export job"))
    def get(self, request: Request, pk: int) -> Response:
        job = export_job_get_for_user(job_id=pk, user=request.user)
        (job_status,) = export_job_links_hand_out(jobs=[job], context=access_context(request))
        return Response(ExportJobStatusSerializer(job_status).data)


class ExportJobFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ExportJob.Status.choices)

    class Meta:
        model = ExportJob
        fields = ["status"]


class ExportJobListView(generics.ListAPIView):
    """The caller's own export jobs, newest first, with a fresh download link on each finished
    file: the "my exports" list, to download a file again. Each link handed out leaves an
    access record."""

    serializer_class = ExportJobStatusSerializer
    filterset_class = ExportJobFilter

    def get_queryset(self) -> QuerySet[ExportJob]:
        return export_job_list_own(user=self.request.user)

    @extend_schema(summary=_("The caller's export jobs"))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        statuses = export_job_links_hand_out(jobs=page or [], context=access_context(request))
        return self.get_paginated_response(self.get_serializer(statuses, many=True).data)


class ExportJobCancelView(APIView):
    """Cancel a pending or running export job: its owner's (or with the permission to see
    every export); a 404 for anyone else, a 400 for a job that has already ended."""

    @extend_schema(
        request=None,
        responses={
            200: ExportJobStatusSerializer,
            400: OpenApiResponse(ErrorSerializer, _("The job has already ended.")),
        },
        summary=_("Cancel an export job"),
    )
    def post(self, request: Request, pk: int) -> Response:
        job = export_job_get_for_user(job_id=pk, user=request.user)
        job = export_job_cancel(job=job)
        return Response(ExportJobStatusSerializer(export_job_status(job=job)).data)
