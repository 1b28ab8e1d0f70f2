"""`CSVDownloader`: one subclass per export, streamed to the browser or uploaded to S3.

    class OrderCSVDownloader(CSVDownloader):
        filterset_class = OrderFilter
        serializer_class = OrderCSVSerializer
        file_prefix = "order"

    # in a view: stream it
    CSVDownloader(user_id=..., queryset=..., filterset_class=..., serializer_class=...,
                  query_params=request.GET).get_result_as_streaming_response()

    # in a Celery task: upload it, then return {"file_url": url}
    Downloader(query_params=..., queryset=..., celery_task_id=task_id).get_result_as_download_url()

Every class attribute of `CSVDownloader` can be overridden by a keyword argument of the same name.
Rows are read in chunks (memory stays flat), counted once against `allow_row_limit` before the
first byte, and written by the `csv` module; both results are the same bytes. A row that fails
once streaming has begun can only cut the response short: exports that may fail belong in a task.
"""

import logging
import re
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_filters import FilterSet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from .columns import ColumnPlan
from .csv_format import (
    BOM,
    CellConverter,
    CSVTextWriter,
    make_cell_converter,
    neutralize_formula,
)
from .progress import set_progress
from .query_params import as_query_dict
from .s3 import CSV_CONTENT_TYPE, upload_s3

logger = logging.getLogger(__name__)

_UNSAFE_IN_FILE_NAME = re.compile(r"[\\/\x00-\x1f\x7f]")


# The S3 path writes into a temporary folder with this prefix; a killed worker leaves it behind
# (see export_temp_dirs_delete_stale).
TEMP_DIR_PREFIX = "csv-export-"


class ExportRowError(Exception):
    """A row could not be turned into CSV; the message names the row's primary key."""

    def __init__(self, pk: Any, error: Exception) -> None:
        super().__init__(f"The row with primary key {pk} could not be exported: {error}")
        self.pk = pk


class CSVDownloader:
    filterset_class: type[FilterSet] | None = None
    serializer_class: type[serializers.Serializer] | None = None
    query_params: Mapping[str, Any] | None = None
    ordering_fields: str | Sequence[str] = "-pk"
    value_convert_map: Mapping[Any, Any] | None = {None: "-", True: "Y", False: "N"}
    allow_row_limit: int | None = 100_000  # falsy: no limit
    s3_bucket: str | None = None  # None: settings.EXPORTS_S3_BUCKET
    s3_path: str | None = None  # None: download/<YYYYMMDD>/csv
    file_prefix: str = "export"
    celery_task_id: str | None = None
    celery_progress_row_offset: int = 1000
    # Beyond the classic pattern:
    chunk_size: int = 2000  # rows per database fetch, and per piece of CSV text
    include_bom: bool = True  # Excel reads UTF-8 (Korean text) correctly only after a BOM
    neutralize_formulas: bool = True  # OWASP CSV injection
    row_error_policy: Literal["raise", "skip"] = "raise"
    # Called with (processed, total) whenever progress is written: an export job's heartbeat.
    on_progress: Callable[[int, int], None] | None = None

    _OPTIONS = frozenset(
        {
            "filterset_class",
            "serializer_class",
            "query_params",
            "ordering_fields",
            "value_convert_map",
            "allow_row_limit",
            "s3_bucket",
            "s3_path",
            "file_prefix",
            "celery_task_id",
            "celery_progress_row_offset",
            "chunk_size",
            "include_bom",
            "neutralize_formulas",
            "row_error_policy",
            "on_progress",
        }
    )

    def __init__(
        self, *, queryset: QuerySet | None = None, user_id: int | None = None, **options: Any
    ) -> None:
        if queryset is None:
            raise ValidationError({"queryset": ["An export needs a base queryset."]})
        if unknown := options.keys() - self._OPTIONS:
            raise TypeError(f"Unknown {type(self).__name__} options: {', '.join(sorted(unknown))}")
        self.queryset = queryset
        self.user_id = user_id
        for name, value in options.items():
            setattr(self, name, value)
        self.total: int | None = None  # rows counted before the export
        self.row_count = 0  # rows written
        self.skipped_rows = 0  # rows left out under row_error_policy = "skip"
        self.file_key: str | None = None  # after get_result_as_download_url()
        self.file_name: str | None = None
        self._filtered: QuerySet | None = None

    # Overridable steps --------------------------------------------------------------------

    def get_queryset(self, queryset: QuerySet) -> QuerySet:
        """Filter by the query params, count once against the row limit, order."""
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                data=as_query_dict(self.query_params), queryset=queryset
            )
            if not filterset.is_valid():
                raise ValidationError(
                    {name: list(messages) for name, messages in filterset.errors.items()}
                )
            queryset = filterset.qs
        self.total = queryset.count()
        if self.allow_row_limit and self.total > self.allow_row_limit:
            raise ValidationError(
                f"This export has {self.total:,} rows, more than the limit of "
                f"{self.allow_row_limit:,}. Narrow the filters and try again.",
                code="row_limit_exceeded",
            )
        ordering = (
            [self.ordering_fields]
            if isinstance(self.ordering_fields, str)
            else self.ordering_fields
        )
        return queryset.order_by(*ordering)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.serializer_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a serializer_class.")
        return self.serializer_class

    def get_filename(self) -> str:
        return f"{self.file_prefix}_{timezone.localtime():%Y%m%d_%H%M%S}.csv"

    def get_csv_headers(self) -> list[str]:
        """Each field's label, else its model field's verbose name, else its name."""
        return self.column_plan.labels

    def get_csv_row(self, data: Mapping[str, Any]) -> list[Any]:
        """One row from a serializer's data, each value through `value_convert_map`.

        An override receives `data` as a dict per row, which costs time on large exports; the
        default is applied column by column instead.
        """
        return [self._to_cell(data.get(name)) for name in self.column_plan.names]

    def generate_csv_lines(self) -> Iterator[str]:
        """CSV text: the BOM and header line, then whole lines, one piece per chunk of rows."""
        queryset = self._filtered_queryset()
        writer = CSVTextWriter()
        writer.writerow(map(self._neutralize, self.get_csv_headers()))
        yield (BOM if self.include_bom else "") + writer.take()
        self.row_count = self.skipped_rows = 0
        next_report = self.celery_progress_row_offset
        total = self.total or 0
        for raws in self.column_plan.batches(queryset, self.chunk_size):
            self._write_batch(writer, raws)
            processed = self.row_count + self.skipped_rows
            # 100% is written only once the file is complete (see _report_done).
            if self.celery_task_id and next_report <= processed < total:
                self._report_progress(self.celery_task_id, processed, total)
                next_report = processed + self.celery_progress_row_offset
            yield writer.take()

    # Results ------------------------------------------------------------------------------

    def get_result_as_streaming_response(self) -> StreamingHttpResponse:
        # Filter errors and the row limit are raised here, as a 400, before any byte is sent.
        self._filtered_queryset()
        response = StreamingHttpResponse(self._stream(), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, self._file_name())
        return response

    def get_result_as_download_url(self) -> str:
        """Write the CSV to a temporary file, upload it under an unguessable key, return its URL."""
        self._filtered_queryset()
        file_name = self._file_name()
        s3_path = self.s3_path or f"download/{timezone.localdate():%Y%m%d}/csv"
        key = f"{s3_path.strip('/')}/{secrets.token_urlsafe(16)}/{file_name}"
        bucket = self.s3_bucket or settings.EXPORTS_S3_BUCKET
        with tempfile.TemporaryDirectory(prefix=TEMP_DIR_PREFIX) as directory:
            local_path = Path(directory) / "export.csv"
            with local_path.open("w", encoding="utf-8", newline="") as file:
                file.writelines(self.generate_csv_lines())
            url = upload_s3(local_path, key, bucket)
        self.s3_bucket, self.file_key, self.file_name = bucket, key, file_name
        self._report_done()
        return url

    # Internals ----------------------------------------------------------------------------

    @cached_property
    def column_plan(self) -> ColumnPlan:
        """Built once per export, with the one serializer instance it reads through."""
        return ColumnPlan(self.get_serializer_class()(), self.queryset.model)

    @cached_property
    def _to_cell(self) -> CellConverter:
        return make_cell_converter(self.value_convert_map, neutralize=self.neutralize_formulas)

    @cached_property
    def _custom_csv_row(self) -> bool:
        """Whether a subclass overrides `get_csv_row`: then rows go to it as dicts."""
        return type(self).get_csv_row is not CSVDownloader.get_csv_row

    def _neutralize(self, value: Any) -> Any:
        return neutralize_formula(value) if self.neutralize_formulas else value

    def _filtered_queryset(self) -> QuerySet:
        if self._filtered is None:
            self._filtered = self.get_queryset(self.queryset)
        return self._filtered

    def _file_name(self) -> str:
        """`get_filename()` with path separators and control characters replaced."""
        return _UNSAFE_IN_FILE_NAME.sub("_", self.get_filename())

    def _stream(self) -> Iterator[str]:
        yield from self.generate_csv_lines()
        self._report_done()

    def _write_batch(self, writer: CSVTextWriter, raws: list[Any]) -> None:
        mark = writer.mark()
        try:
            writer.writerows(self._format_rows(self.column_plan.represent_columns(raws)))
        except Exception:  # noqa: BLE001 - a row failed: find which, one row at a time
            writer.rollback(mark)
            for raw in raws:
                self._write_row(writer, raw)
        else:
            self.row_count += len(raws)

    def _write_row(self, writer: CSVTextWriter, raw: Any) -> None:
        try:
            writer.writerow(self._format_row(self.column_plan.represent_row(raw)))
        except Exception as exc:
            pk = self.column_plan.pk(raw)
            if self.row_error_policy != "skip":
                raise ExportRowError(pk, exc) from exc
            self.skipped_rows += 1
            logger.warning(
                "CSV export %s skipped the row with pk %s: %s", self.file_prefix, pk, exc
            )
        else:
            self.row_count += 1

    def _format_rows(self, columns: list[Iterable[Any]]) -> Iterable[Iterable[Any]]:
        if self._custom_csv_row:
            return map(self._format_row, zip(*columns, strict=True))
        return zip(*[map(self._to_cell, column) for column in columns], strict=True)

    def _format_row(self, values: Sequence[Any]) -> list[Any]:
        if self._custom_csv_row:
            data = dict(zip(self.column_plan.names, values, strict=True))
            return [self._neutralize(cell) for cell in self.get_csv_row(data)]
        return [self._to_cell(value) for value in values]

    def _report_done(self) -> None:
        logger.info(
            "CSV export %s for user %s: %d rows written, %d skipped",
            self.file_prefix,
            self.user_id,
            self.row_count,
            self.skipped_rows,
        )
        if self.celery_task_id:
            processed = self.row_count + self.skipped_rows
            self._report_progress(self.celery_task_id, processed, processed)

    def _report_progress(self, task_id: str, processed: int, total: int) -> None:
        set_progress(task_id, processed, total)
        if self.on_progress is not None:
            self.on_progress(processed, total)
