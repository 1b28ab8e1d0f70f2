"""The import, start to end: `import_preview` (a dry run) and `apply_import` (the real one).

Both read the file once, a batch at a time (`IMPORTS_BATCH_SIZE` rows): each batch is read,
validated (serializer, then the model's full_clean), and sorted into new, changed, unchanged and
failing rows. `apply_import` runs in one transaction: while no row has failed, each batch is
written as soon as it is valid, through the app's create and update services (bulk_create,
bulk_update); once any row fails, the rest is still validated (to report every error) and
then the whole transaction is rolled back. So memory holds one batch, not the file, and the
database sees all the rows or none.

`apply_import` is the one place an import is applied, and where it is recorded: an access record
(who, from where, which import, its format and row counts) in the transaction of the rows.
"""

from contextlib import nullcontext
from http import HTTPStatus
from itertools import islice
from typing import IO, Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.common.access.client import AccessContext
from apps.common.access.models import AccessRecord
from apps.common.access.services import record_access
from apps.common.exceptions import ApplicationError

from .cells import CellReader, cell_reader
from .errors import ImportFileError, RowErrors
from .headers import Layout, export_downloader, languages, layout_for
from .limits import ImportLimits, file_size
from .reading import CSV, open_sheet
from .registry import Import
from .results import ImportResult
from .rows import RowValidator


def import_preview(*, spec: Import, file: IO[bytes], name: str) -> ImportResult:
    """What importing `file` would do, nothing written. Raises ImportFileError (400/413) when
    the file cannot be read at all; row errors are in the result."""
    return _run(spec, file, name, apply=False)


def apply_import(
    *, spec: Import, file: IO[bytes], name: str, context: AccessContext
) -> ImportResult:
    """Import `file` all or nothing, recorded as `context`'s (an access record). Raises
    ImportFileError for an unreadable file, and ApplicationError (400, or 409 when the only
    failures are rows changed since the export) whose `extra` is the result with every error by
    row and column: nothing was written, nothing recorded."""
    return _run(spec, file, name, apply=True, context=context)


def _run(
    spec: Import,
    file: IO[bytes],
    name: str,
    *,
    apply: bool,
    context: AccessContext | None = None,
) -> ImportResult:
    limits = ImportLimits.from_settings()
    limits.check_bytes(file_size(file))
    serializer = spec.serializer_class(context={})
    sheet = open_sheet(file, name=name, max_columns=limits.max_columns)
    layout = layout_for(spec, serializer, sheet.header)
    readers = _readers(spec, serializer, layout, csv=sheet.format == CSV)
    validator = RowValidator(spec, serializer, layout, readers, lock=apply)
    result = ImportResult(
        name=spec.name,
        format=sheet.format,
        encoding=sheet.encoding_name,
        applied=False,
        errors=RowErrors(limits.listed_errors),
        conflicts=RowErrors(limits.listed_errors),
        changes_limit=limits.listed_errors,
    )
    try:
        with transaction.atomic() if apply else nullcontext():
            _validate_and_write(spec, sheet.rows, validator, result, limits, apply=apply)
            if not result.rows:
                raise ImportFileError(_("The file has its header row only: add rows under it."))
            if apply and not result.ok:
                raise _refused(result)
            if apply and context is not None:
                record_access(
                    action=AccessRecord.Action.IMPORT_APPLIED,
                    context=context,
                    export_name=spec.name,
                    params={"new": result.new, "changed": result.changed},
                    file_format=result.format,
                    row_count=result.rows,
                )
    except IntegrityError as exc:
        raise ApplicationError(
            _("The database refused the rows (%(error)s); nothing was saved.") % {"error": exc}
        ) from exc
    result.applied = apply
    return result


def _validate_and_write(
    spec: Import,
    rows: Any,
    validator: RowValidator,
    result: ImportResult,
    limits: ImportLimits,
    *,
    apply: bool,
) -> None:
    read = 0
    while batch_rows := list(islice(rows, limits.batch_size)):
        read += len(batch_rows)
        limits.check_rows(read)
        batch = validator.validate(
            [validator.read(number, cells) for number, cells in batch_rows], result
        )
        if apply and result.ok:
            if batch.new:
                spec.create(instances=batch.new)
            if batch.changed:
                spec.update(instances=batch.changed, fields=sorted(batch.fields))


def _refused(result: ImportResult) -> ApplicationError:
    if result.errors:
        message = _("%(count)s rows have errors; nothing was saved. Fix them and upload again.")
        status = HTTPStatus.BAD_REQUEST
    else:
        message = _(
            "%(count)s rows changed after the file was exported; nothing was saved. Export the "
            "list again and redo those edits."
        )
        status = HTTPStatus.CONFLICT
    return ApplicationError(
        message % {"count": result.failed}, extra=result.as_dict(), status_code=status
    )


def _readers(
    spec: Import, serializer: serializers.Serializer, layout: Layout, *, csv: bool
) -> dict[str, CellReader]:
    downloader = export_downloader(spec)
    rules = downloader.cell_rules if downloader is not None else None
    value_map = downloader.value_convert_map if downloader is not None else None
    model_fields = {
        field.name: field
        for field in spec.model._meta.get_fields()
        if isinstance(field, models.Field)
    }
    readers = {}
    for column in layout.fields:
        field = serializer.fields[column.name]
        readers[column.name] = cell_reader(
            field,
            model_fields.get(field.source) if isinstance(field.source, str) else None,
            zone=rules.zone if rules else timezone.get_default_timezone(),
            datetime_format=rules.datetime_format if rules else None,
            date_format=rules.date_format if rules else None,
            value_map=value_map,
            csv=csv and bool(downloader is None or downloader.neutralize_formulas),
            languages=languages(),
        )
    return readers
