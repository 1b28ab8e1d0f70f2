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

    # the same rows and cells as a spreadsheet
    Downloader(queryset=..., file_format="xlsx").get_result_as_streaming_response()

Every class attribute of `CSVDownloader` can be overridden by a keyword argument of the same name.
Rows are read in chunks (memory stays flat), counted once against `allow_row_limit` before the
first byte, and written by the `csv` module; both results are the same bytes. With
`file_format="xlsx"` the same cells go into an XLSX sheet instead (see xlsx_format.py): one
production of rows and cells, two writers. A row that fails once streaming has begun can only
cut the response short: exports that may fail belong in a task.

What the cells say (choice labels, local datetimes, dates, relation headers, the value map)
is decided by the cell rules, each switched by an attribute below: see cells.py.

On PostgreSQL a CSV whose every column maps to SQL is written by `COPY ... TO STDOUT` instead,
with the same bytes (copy_sql.py); anything else takes the Python path, and the reason is
logged once per export (`copy_refused`). `use_copy = False` keeps an export on the Python path.

`allow_row_limit`, `s3_bucket` and `time_zone` default to the settings `EXPORTS_ROW_LIMIT`,
`EXPORTS_S3_BUCKET` and `TIME_ZONE`, read each time an export runs (so `override_settings` and
the environment reach every export); a subclass or a keyword argument that sets them wins.
"""

import logging
import re
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, time
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_filters import FilterSet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from apps.common.access.masking import masked_fields

from .cells import DEFAULT_DATE_FORMAT, DEFAULT_DATETIME_FORMAT, CellRules
from .columns import ColumnPlan
from .copy_sql import CopyPlan, CopyRefused, copy_chunks, copy_plan
from .csv_format import (
    BOM,
    CellConverter,
    CSVTextWriter,
    make_cell_converter,
    neutralize_formula,
)
from .failures import (
    INVALID_FILTERS,
    ROW_FAILED,
    ROW_LIMIT_EXCEEDED,
    TOO_MANY_ROW_ERRORS,
    XLSX_TOO_MANY_ROWS,
    ExportFailure,
    FailureParams,
    failure_message,
)
from .formats import CSV, XLSX, FileFormat, file_format_get
from .progress import set_progress
from .query_params import as_query_dict
from .s3 import upload_s3
from .xlsx_format import MAX_ROWS as XLSX_MAX_ROWS
from .xlsx_format import XlsxSheetWriter, column_kind

logger = logging.getLogger(__name__)

_UNSAFE_IN_FILE_NAME = re.compile(r"[\\/\x00-\x1f\x7f]")


# Errors that say nothing about one row: they end the export under any row error policy.
_NOT_ROW_ERRORS = (DatabaseError, MemoryError, SoftTimeLimitExceeded)

# The S3 path writes into a temporary folder with this prefix; a killed worker leaves it behind
# (see export_temp_dirs_delete_stale).
TEMP_DIR_PREFIX = "csv-export-"

Cells = list[Sequence[Any]]  # one batch of rows, each a sequence of cells


class ExportRowError(Exception):
    """A row could not be turned into CSV; the message names the row's primary key."""

    def __init__(self, pk: Any, error: Exception) -> None:
        self.pk = pk
        self.failure_code = ROW_FAILED
        self.failure_params: FailureParams = {"pk": str(pk), "error": str(error)}
        super().__init__(failure_message(self.failure_code, self.failure_params))


class TooManyRowErrors(Exception):
    """Under `row_error_policy = "skip"`: every row failed, or more than the downloader allows.
    The message names the first failing row's primary key."""

    def __init__(self, first: ExportRowError, *, skipped: int, total: int) -> None:
        self.pk = first.pk
        self.failure_code = TOO_MANY_ROW_ERRORS
        self.failure_params: FailureParams = {
            "skipped": skipped,
            "total": total,
            **first.failure_params,
        }
        super().__init__(failure_message(self.failure_code, self.failure_params))


def from_settings(name: str) -> Any:
    """A class attribute that reads the setting `name` whenever it is read, unless set.

    A non-data descriptor: a subclass's own value, or an instance's (a keyword argument),
    hides it. Typed `Any` so that subclasses may set a plain value.
    """
    return _SettingDefault(name)


class _SettingDefault:
    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return getattr(settings, self.name)

    def __repr__(self) -> str:
        return f"from_settings({self.name!r})"


class CSVDownloader:
    filterset_class: type[FilterSet] | None = None
    serializer_class: type[serializers.Serializer] | None = None
    query_params: Mapping[str, Any] | None = None
    ordering_fields: str | Sequence[str] | None = "-pk"  # None: keep the queryset's order
    value_convert_map: Mapping[Any, Any] | None = {None: "-", True: "Y", False: "N"}
    allow_row_limit: int | None = from_settings("EXPORTS_ROW_LIMIT")  # falsy: no limit
    s3_bucket: str = from_settings("EXPORTS_S3_BUCKET")
    s3_path: str | None = None  # None: download/<YYYYMMDD>/csv
    file_prefix: str = "export"
    celery_task_id: str | None = None
    celery_progress_row_offset: int = 1000
    # Beyond the classic pattern:
    chunk_size: int = 2000  # rows per database fetch, and per piece of CSV text
    include_bom: bool = True  # Excel reads UTF-8 (Korean text) correctly only after a BOM
    neutralize_formulas: bool = True  # OWASP CSV injection
    row_error_policy: Literal["raise", "skip"] = "raise"
    # Under "skip": skipping more than this share of the rows (or every row) fails the export.
    max_skipped_share: float = 0.01
    # Called with (processed, total) whenever progress is written: an export job's heartbeat.
    on_progress: Callable[[int, int], None] | None = None
    file_format: str = CSV  # or "xlsx"
    # The cell rules (see cells.py), each on by default:
    choice_labels: bool = True  # a choice field's label in the reader's language, not its code
    datetime_format: str | None = DEFAULT_DATETIME_FORMAT  # None: the serializer's ISO text
    date_format: str | None = DEFAULT_DATE_FORMAT  # None: the serializer's text
    time_zone: str = from_settings("TIME_ZONE")  # datetimes' zone, CSV text and XLSX cells
    relation_headers: bool = True  # "customer username", not "username", without a label
    # The serializer's `masked_fields` are masked unless this is set (see access/masking.py):
    # `Export.downloader` sets it for a reader holding `unmask_personal_data`.
    unmask_personal_data: bool = False
    use_copy: bool = True  # on PostgreSQL, CSV by COPY when every column maps (copy_sql.py)

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
            "max_skipped_share",
            "on_progress",
            "file_format",
            "choice_labels",
            "datetime_format",
            "date_format",
            "time_zone",
            "relation_headers",
            "unmask_personal_data",
            "use_copy",
        }
    )

    def __init__(
        self, *, queryset: QuerySet | None = None, user_id: int | None = None, **options: Any
    ) -> None:
        if queryset is None:
            raise ValidationError({"queryset": [_("An export needs a base queryset.")]})
        if unknown := options.keys() - self._OPTIONS:
            raise TypeError(f"Unknown {type(self).__name__} options: {', '.join(sorted(unknown))}")
        self.queryset = queryset
        self.user_id = user_id
        for name, value in options.items():
            setattr(self, name, value)
        self.format: FileFormat = file_format_get(self.file_format)
        self.total: int | None = None  # rows counted before the export
        self.row_count = 0  # rows written
        self.skipped_rows = 0  # rows left out under row_error_policy = "skip"
        self.first_row_error: ExportRowError | None = None  # the first of them
        self.file_key: str | None = None  # after get_result_as_download_url()
        self.file_name: str | None = None
        self._filtered: QuerySet | None = None
        # Why this export's CSV is written by Python, not COPY (None: by COPY, or not decided).
        self.copy_refused: str | None = None

    # Overridable steps --------------------------------------------------------------------

    def get_queryset(self, queryset: QuerySet) -> QuerySet:
        """Filter by the query params, count once against the row limit, order."""
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                data=as_query_dict(self.query_params), queryset=queryset
            )
            if not filterset.is_valid():
                errors = {name: list(messages) for name, messages in filterset.errors.items()}
                raise ExportFailure(INVALID_FILTERS, {"params": sorted(errors)}, detail=errors)
            queryset = filterset.qs
        self.total = queryset.count()
        if self.allow_row_limit and self.total > self.allow_row_limit:
            raise ExportFailure(
                ROW_LIMIT_EXCEEDED, {"rows": self.total, "limit": self.allow_row_limit}
            )
        if self.ordering_fields is None:  # ordered already, as an export's pipeline does
            return queryset
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
        return f"{self.file_prefix}_{timezone.localtime():%Y%m%d_%H%M%S}.{self.format.extension}"

    def get_csv_headers(self) -> list[str]:
        """Each field's label, else its model field's verbose name (after the relation's, for a
        dotted source: `relation_headers`), else its name; in the active language."""
        return self.column_plan.labels

    def get_csv_row(self, data: Mapping[str, Any]) -> list[Any]:
        """One row from a serializer's data, each value through `value_convert_map`.

        An override receives `data` as a dict per row, which costs time on large exports; the
        default is applied column by column instead.
        """
        return [self._to_cell(data.get(name)) for name in self.column_plan.names]

    def generate_csv_lines(self) -> Iterator[str]:
        """CSV text: the BOM and header line, then whole lines, one piece per chunk of rows."""
        self._filtered_queryset()
        writer = CSVTextWriter()
        writer.writerow(map(self._neutralize, self.get_csv_headers()))
        yield (BOM if self.include_bom else "") + writer.take()
        for rows in self._cell_batches(self._to_cell, self._neutralize):
            writer.writerows(rows)
            yield writer.take()

    def write_xlsx(self, path: Path) -> None:
        """The same rows and cells as the CSV, into an XLSX sheet at `path` (constant memory);
        XlsxWriter keeps its temporary files next to it."""
        self._filtered_queryset()
        sheet = XlsxSheetWriter(
            path,
            labels=self.get_csv_headers(),
            kinds=[column_kind(field) for field in self.column_plan.fields],
            tmpdir=path.parent,
            zone=self.cell_rules.zone,
        )
        for rows in self._cell_batches(self._to_xlsx_cell, _unchanged):
            sheet.write_rows(rows)
        sheet.close()

    # Results ------------------------------------------------------------------------------

    def get_result_as_streaming_response(self) -> StreamingHttpResponse:
        # Filter errors and the row limit are raised here, as a 400, before any byte is sent.
        self._filtered_queryset()
        # Labels are found now, in the request's language, not while the server sends the body.
        self.column_plan  # noqa: B018
        self.uses_copy()  # the COPY's labels too
        if self.format.name == XLSX:
            return self._xlsx_file_response()
        response = StreamingHttpResponse(self._stream(), content_type=self.format.content_type)
        # As an attachment the header always has a value; "attachment" is what it is without a name.
        response["Content-Disposition"] = (
            content_disposition_header(True, self._file_name()) or "attachment"
        )
        return response

    def get_result_as_download_url(self, *, before_upload: Callable[[], None] | None = None) -> str:
        """Write the file to a temporary folder, upload it under an unguessable key, return its
        URL. `before_upload` may raise to drop the finished file instead (a cancelled job)."""
        self._filtered_queryset()
        file_name = self._file_name()
        s3_path = self.s3_path or f"download/{timezone.localdate():%Y%m%d}/{self.format.extension}"
        key = f"{s3_path.strip('/')}/{secrets.token_urlsafe(16)}/{file_name}"
        bucket = self.s3_bucket
        with tempfile.TemporaryDirectory(prefix=TEMP_DIR_PREFIX) as directory:
            local_path = self._write_file(Path(directory))
            if before_upload is not None:
                before_upload()
            url = upload_s3(local_path, key, bucket, content_type=self.format.content_type)
        self.s3_bucket, self.file_key, self.file_name = bucket, key, file_name
        self._report_done()
        return url

    @property
    def masks_columns(self) -> bool:
        """Whether the serializer names personal columns to mask (`masked_fields`)."""
        return bool(masked_fields(self.get_serializer_class()))

    @property
    def unmasked(self) -> bool:
        """Whether personal columns are written as they are (the serializer masks some, and the
        reader may unmask them): the access record says so."""
        return self.unmask_personal_data and self.masks_columns

    def uses_copy(self) -> bool:
        """Whether this export's CSV is written by PostgreSQL's COPY (decided once: see
        copy_sql.py); if not, `copy_refused` says why (logged once)."""
        return self._copy is not None

    def count_rows(self) -> int:
        """The rows this export writes, counted once (filters and row limit checked)."""
        self._filtered_queryset()
        return self.total or 0

    # Internals ----------------------------------------------------------------------------

    @cached_property
    def column_plan(self) -> ColumnPlan:
        """Built once per export, with the one serializer instance it reads through."""
        return ColumnPlan(
            self.get_serializer_class()(),
            self.queryset.model,
            self.cell_rules,
            unmask=self.unmask_personal_data,
        )

    @cached_property
    def cell_rules(self) -> CellRules:
        return CellRules.for_export(
            choice_labels=self.choice_labels,
            relation_headers=self.relation_headers,
            datetime_format=self.datetime_format,
            date_format=self.date_format,
            time_zone=self.time_zone,
            spreadsheet=self.format.name == XLSX,
        )

    @cached_property
    def _copy(self) -> CopyPlan | None:
        """The COPY statement of this export, or None (the Python path)."""
        if self.format.name != CSV:
            return None  # XLSX has its own writer, not a fallback
        try:
            plan = self._copy_plan()
        except CopyRefused as refused:
            self.copy_refused = str(refused)
            logger.info("Export %s is written by Python, not COPY: %s", self.file_prefix, refused)
            return None
        return plan

    def _copy_plan(self) -> CopyPlan:
        if not self.use_copy:
            raise CopyRefused("use_copy is off")
        queryset = self._filtered_queryset()
        vendor = connections[queryset.db].vendor
        if vendor != "postgresql":
            raise CopyRefused(f"the database is {vendor}, not PostgreSQL")
        if connections[queryset.db].in_atomic_block:
            # COPY runs on a connection of its own (copy_sql.copy_chunks): it would not see
            # this transaction's writes.
            raise CopyRefused("inside a transaction")
        if self.row_error_policy != "raise":
            raise CopyRefused(f"row_error_policy is {self.row_error_policy!r}")
        if overridden := [
            name
            for name in _ROW_HOOKS
            if getattr(type(self), name) is not getattr(CSVDownloader, name)
        ]:
            raise CopyRefused(f"{', '.join(overridden)} overridden")
        if unknown := sorted(self._OPTIONS - _COPY_KNOWS):
            raise CopyRefused(f"options unknown to the COPY path: {', '.join(unknown)}")
        return copy_plan(
            self.column_plan,
            queryset,
            self._to_cell,
            value_map=self.value_convert_map,
            neutralize=self.neutralize_formulas,
        )

    def _copy_lines(self, plan: CopyPlan) -> Iterator[bytes]:
        """The BOM and header line (by Python), then the rows by COPY, a chunk at a time;
        progress from the rows read. Closing this generator cancels the COPY."""
        writer = CSVTextWriter()
        writer.writerow(map(self._neutralize, self.get_csv_headers()))
        yield ((BOM if self.include_bom else "") + writer.take()).encode()
        self.row_count = self.skipped_rows = 0
        total = self.total or 0
        next_report = self.celery_progress_row_offset
        chunks = copy_chunks(plan, rows_per_chunk=self.chunk_size)
        try:
            for chunk, rows in chunks:
                self.row_count += rows
                # 100% is written only once the file is complete (see _report_done).
                if next_report <= self.row_count < total:
                    self._report_progress(self.row_count, total)
                    next_report = self.row_count + self.celery_progress_row_offset
                yield chunk
        finally:
            chunks.close()  # now, not when the garbage collector finds it: the COPY stops

    @cached_property
    def _to_cell(self) -> CellConverter:
        return make_cell_converter(self.value_convert_map, neutralize=self.neutralize_formulas)

    @cached_property
    def _to_xlsx_cell(self) -> CellConverter:
        """The CSV's conversion, minus the `'` before formula-like text (a string cell is never
        a formula) and keeping dates, which become Excel dates."""
        return make_cell_converter(self.value_convert_map, neutralize=False, keep=(date, time))

    @cached_property
    def _custom_csv_row(self) -> bool:
        """Whether a subclass overrides `get_csv_row`: then rows go to it as dicts."""
        return type(self).get_csv_row is not CSVDownloader.get_csv_row

    def _neutralize(self, value: Any) -> Any:
        return neutralize_formula(value) if self.neutralize_formulas else value

    def _filtered_queryset(self) -> QuerySet:
        if self._filtered is None:
            self._filtered = self.get_queryset(self.queryset)
            if self.format.name == XLSX and (self.total or 0) >= XLSX_MAX_ROWS:
                raise ExportFailure(
                    XLSX_TOO_MANY_ROWS, {"rows": self.total, "most": XLSX_MAX_ROWS - 1}
                )
        return self._filtered

    def _file_name(self) -> str:
        """`get_filename()` with path separators and control characters replaced, and the
        format's extension."""
        name = Path(_UNSAFE_IN_FILE_NAME.sub("_", self.get_filename()))
        return name.with_suffix(f".{self.format.extension}").name

    def _write_file(self, directory: Path) -> Path:
        path = directory / f"export.{self.format.extension}"
        if self.format.name == XLSX:
            self.write_xlsx(path)
        elif self._copy is not None:
            with path.open("wb") as binary:
                binary.writelines(self._copy_lines(self._copy))
        else:
            with path.open("w", encoding="utf-8", newline="") as file:
                file.writelines(self.generate_csv_lines())
        return path

    def _xlsx_file_response(self) -> FileResponse:
        """The sheet from a temporary file, which is open already when its folder is removed."""
        with tempfile.TemporaryDirectory(prefix=TEMP_DIR_PREFIX) as directory:
            file = self._write_file(Path(directory)).open("rb")
        self._report_done()
        return FileResponse(
            file,
            as_attachment=True,
            filename=self._file_name(),
            content_type=self.format.content_type,
        )

    def _stream(self) -> Iterator[str | bytes]:
        if self._copy is not None:
            yield from self._copy_lines(self._copy)
        else:
            yield from self.generate_csv_lines()
        self._report_done()

    def _cell_batches(self, to_cell: CellConverter, custom_cell: CellConverter) -> Iterator[Cells]:
        """The export's rows, a batch at a time, as cells: what every file format writes.

        `to_cell` converts each represented value; `custom_cell` each cell of an overridden
        `get_csv_row`. Counts rows, skips bad ones by the policy, and writes progress.
        """
        queryset = self._filtered_queryset()
        self.row_count = self.skipped_rows = 0
        self.first_row_error = None
        next_report = self.celery_progress_row_offset
        for raws in self.column_plan.batches(queryset, self.chunk_size):
            rows = self._batch_cells(raws, to_cell, custom_cell)
            processed = self.row_count + self.skipped_rows
            # 100% is written only once the file is complete (see _report_done).
            if next_report <= processed < (self.total or 0):
                self._report_progress(processed, self.total or 0)
                next_report = processed + self.celery_progress_row_offset
            yield rows
        self._refuse_too_many_skips(finished=True)

    def _batch_cells(
        self, raws: list[Any], to_cell: CellConverter, custom_cell: CellConverter
    ) -> Cells:
        try:
            rows = list(
                self._format_rows(self.column_plan.represent_columns(raws), to_cell, custom_cell)
            )
        except _NOT_ROW_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - a row failed: find which, one row at a time
            rows = [
                cells
                for raw in raws
                if (cells := self._row_cells(raw, to_cell, custom_cell)) is not None
            ]
            self._refuse_too_many_skips(finished=False)
        else:
            self.row_count += len(rows)
        return rows

    def _row_cells(
        self, raw: Any, to_cell: CellConverter, custom_cell: CellConverter
    ) -> Sequence[Any] | None:
        """Only turning the row's values into cells may fail it; writing the cells may not."""
        try:
            cells = self._format_row(self.column_plan.represent_row(raw), to_cell, custom_cell)
        except _NOT_ROW_ERRORS:
            raise
        except Exception as exc:
            error = ExportRowError(self.column_plan.pk(raw), exc)
            if self.row_error_policy != "skip":
                raise error from exc
            self._skip(error)
            return None
        self.row_count += 1
        return cells

    def _skip(self, error: ExportRowError) -> None:
        self.skipped_rows += 1
        self.first_row_error = self.first_row_error or error
        logger.warning("CSV export %s skipped a row: %s", self.file_prefix, error)

    def _refuse_too_many_skips(self, *, finished: bool) -> None:
        """Skipping is for a few bad rows: more than `max_skipped_share` of the rows skipped,
        or no row written at all, is a bug in the export, and fails it."""
        first = self.first_row_error
        if first is None:
            return
        total = self.total or 0
        too_many = self.skipped_rows > self.max_skipped_share * total
        if too_many or (finished and self.row_count == 0):
            raise TooManyRowErrors(first, skipped=self.skipped_rows, total=total)

    def _format_rows(
        self, columns: list[Iterable[Any]], to_cell: CellConverter, custom_cell: CellConverter
    ) -> Iterable[Sequence[Any]]:
        if self._custom_csv_row:
            return (
                self._format_row(values, to_cell, custom_cell)
                for values in zip(*columns, strict=True)
            )
        return zip(*[map(to_cell, column) for column in columns], strict=True)

    def _format_row(
        self, values: Sequence[Any], to_cell: CellConverter, custom_cell: CellConverter
    ) -> list[Any]:
        if self._custom_csv_row:
            data = dict(zip(self.column_plan.names, values, strict=True))
            return [custom_cell(cell) for cell in self.get_csv_row(data)]
        return [to_cell(value) for value in values]

    def _report_done(self) -> None:
        logger.info(
            "Export %s for user %s: %d rows written, %d skipped",
            self.file_prefix,
            self.user_id,
            self.row_count,
            self.skipped_rows,
        )
        processed = self.row_count + self.skipped_rows
        self._report_progress(processed, processed)

    def _report_progress(self, processed: int, total: int) -> None:
        """To the cache under the task id (for pollers by task id), and to `on_progress`."""
        if self.celery_task_id:
            set_progress(self.celery_task_id, processed, total)
        if self.on_progress is not None:
            self.on_progress(processed, total)


# What makes rows into CSV on the Python path: a subclass that overrides any takes that path.
_ROW_HOOKS = (
    "get_csv_row",
    "generate_csv_lines",
    "_cell_batches",
    "_batch_cells",
    "_row_cells",
    "_format_rows",
    "_format_row",
    "_to_cell",
    "_neutralize",
)
# The options whose meaning the COPY path knows (it reads them, or they do not change cells);
# an option not named here, a new one, takes the Python path until copy_sql.py maps it.
_COPY_KNOWS = frozenset(
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
        "max_skipped_share",
        "on_progress",
        "file_format",
        "choice_labels",
        "datetime_format",
        "date_format",
        "time_zone",
        "relation_headers",
        # Whether the plan's columns carry their masks; copy_sql.py refuses a masked column.
        "unmask_personal_data",
        "use_copy",
    }
)


def _unchanged(value: Any) -> Any:
    return value
