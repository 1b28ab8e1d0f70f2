"""One batch of file rows: read their cells, validate them, and sort them into new, changed,
unchanged and failed, with a constant number of queries per batch (the relations it names, the
rows it changes), never one per row."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.settings import api_settings

from .cells import CellError, CellReader
from .headers import FileColumn, Layout
from .registry import Import
from .related import BATCH_RELATED, batched_fields, prefetch
from .results import ImportResult
from .version import parse_version

# The export writes datetimes to the second: a stored value within a second of the file's is the
# value the file was exported with, not a change.
_DATETIME_PRECISION = timedelta(seconds=1)

Errors = dict[str | None, list[str]]


@dataclass
class ReadRow:
    number: int
    data: dict[str, Any]
    errors: Errors
    key: Any = None
    version: Any = None


@dataclass
class Batch:
    new: list[models.Model] = field(default_factory=list)
    changed: list[models.Model] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)


class RowValidator:
    """Validates batches of one file for one import; remembers the keys it has seen."""

    def __init__(
        self,
        spec: Import,
        serializer: serializers.Serializer,
        layout: Layout,
        readers: Mapping[str, CellReader],
        *,
        lock: bool,
    ) -> None:
        self.spec = spec
        self.model = spec.model
        self.serializer = serializer
        self.layout = layout
        self.readers = readers
        self.lock = lock
        self.batched = batched_fields(serializer.fields.values())
        # Relations the batch resolved are valid: their full_clean() check would query per row.
        self.exclude = [f.source for f in self.batched if isinstance(f.source, str) and f.source]
        self.header_by_source = {
            serializer.fields[column.name].source or "": column.header for column in layout.fields
        }
        self.header_by_name = {column.name: column.header for column in layout.fields}
        self.seen: dict[Any, int] = {}

    def read(self, number: int, cells: Sequence[Any]) -> ReadRow:
        row = ReadRow(number, {}, {})
        for column in self.layout.fields:
            try:
                row.data[column.name] = self.readers[column.name](_cell(cells, column))
            except CellError as exc:
                row.errors[column.header] = [str(exc)]
        if self.layout.key is not None:
            row.key = self._key(row, _cell(cells, self.layout.key))
        if self.layout.version is not None and row.key is not None:
            row.version = _cell(cells, self.layout.version)
        return row

    def validate(self, rows: Sequence[ReadRow], result: ImportResult) -> Batch:
        context = self.serializer.context
        # The stubs type the context a Mapping; it is the dict the serializer was made with.
        if not isinstance(context, dict):
            raise TypeError("an import's serializer is made with a dict as its context")
        context[BATCH_RELATED] = {
            f.field_name or "": prefetch(f, (row.data.get(f.field_name or "") for row in rows))
            for f in self.batched
        }
        keys = {row.key for row in rows if row.key is not None}
        current = self._current(keys)
        batch = Batch()
        for row in rows:
            self._validate_row(row, current, batch, result)
        return batch

    def _current(self, keys: set[Any]) -> dict[Any, models.Model]:
        if not keys:
            return {}
        queryset = self.model._default_manager.filter(**{f"{self.spec.key_field}__in": keys})
        if self.lock:
            queryset = queryset.select_for_update(of=("self",)).order_by("pk")
        return {getattr(obj, self.spec.key_field): obj for obj in queryset}

    def _validate_row(
        self, row: ReadRow, current: dict[Any, models.Model], batch: Batch, result: ImportResult
    ) -> None:
        result.rows += 1
        if row.errors:
            result.errors.add_row(row.number, row.errors)
            return
        try:
            validated = self.serializer.run_validation(row.data)
        except DRFValidationError as exc:
            result.errors.add_row(row.number, self._serializer_errors(exc.detail))
            return
        if row.key is None:
            instance = self.model(**validated)
            if self._clean(instance, row, result):
                batch.new.append(instance)
                result.new += 1
            return
        existing = self._existing(row, current, result)
        if existing is None:
            return
        instance = existing
        changed = changed_fields(instance, validated)
        if not changed:
            result.unchanged += 1
            return
        for name in changed:
            setattr(instance, name, validated[name])
        if self._clean(instance, row, result):
            batch.changed.append(instance)
            batch.fields.update(changed)
            headers = [self.header_by_source.get(name, name) for name in changed]
            result.note_change(row.number, row.key, headers)

    def _existing(
        self, row: ReadRow, current: dict[Any, models.Model], result: ImportResult
    ) -> models.Model | None:
        header = self.layout.key.header if self.layout.key else self.spec.key_field
        first = self.seen.setdefault(row.key, row.number)
        if first != row.number:
            message = _("%(key)s is row %(first)s too; name each row once.") % {
                "key": row.key,
                "first": first,
            }
            result.errors.add_row(row.number, {header: [message]})
            return None
        instance = current.get(row.key)
        if instance is None:
            message = _("There is no %(model)s %(key)s to update; leave the cell empty to add one.")
            params = {"model": self.model._meta.verbose_name, "key": row.key}
            result.errors.add_row(row.number, {header: [message % params]})
            return None
        if self.layout.version is not None and self.spec.version_field:
            stored = getattr(instance, self.spec.version_field)
            read = parse_version(row.version)
            version_header = self.layout.version.header
            if read is None:
                message = _("Not a version the export wrote; export the list again.")
                result.errors.add_row(row.number, {version_header: [message]})
                return None
            if read != stored:
                message = _(
                    "Changed on %(stored)s, after this file was exported; export the list again "
                    "and redo the edit."
                ) % {"stored": stored.isoformat()}
                result.conflicts.add_row(row.number, {version_header: [message]})
                return None
        return instance

    def _clean(self, instance: models.Model, row: ReadRow, result: ImportResult) -> bool:
        try:
            instance.full_clean(
                exclude=self.exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors: Errors = {}
            for name, messages in exc.message_dict.items():
                column = None if name == NON_FIELD_ERRORS else self.header_by_source.get(name, name)
                errors.setdefault(column, []).extend(messages)
            result.errors.add_row(row.number, errors)
            return False
        return True

    def _serializer_errors(self, detail: Any) -> Errors:
        if not isinstance(detail, dict):
            return {None: [str(message) for message in _flat(detail)]}
        errors: Errors = {}
        for name, messages in detail.items():
            column = (
                None
                if name == api_settings.NON_FIELD_ERRORS_KEY
                else self.header_by_name.get(name, name)
            )
            errors.setdefault(column, []).extend(str(m) for m in _flat(messages))
        return errors

    def _key(self, row: ReadRow, cell: Any) -> Any:
        if cell is None or (isinstance(cell, str) and cell.strip() in {"", "-"}):
            return None
        try:
            key_field = cast(models.Field, self.model._meta.get_field(self.spec.key_field))
            key = key_field.to_python(
                int(cell) if isinstance(cell, float) and cell.is_integer() else cell
            )
        except ValidationError as exc:
            header = self.layout.key.header if self.layout.key else self.spec.key_field
            row.errors[header] = list(exc.messages)
            return None
        return key


def changed_fields(instance: models.Model, validated: Mapping[str, Any]) -> list[str]:
    """The validated fields whose value is not the stored one (datetimes to the second)."""
    changed = []
    for name, value in validated.items():
        model_field = cast(models.Field, instance._meta.get_field(name))
        if model_field.is_relation and model_field.many_to_one:
            stored = getattr(instance, model_field.attname)
            if stored != (value.pk if value is not None else None):
                changed.append(name)
        elif isinstance(value, datetime) and isinstance(
            stored := getattr(instance, name), datetime
        ):
            if abs(stored - value) >= _DATETIME_PRECISION:
                changed.append(name)
        elif getattr(instance, name) != value:
            changed.append(name)
    return changed


def _cell(cells: Sequence[Any], column: FileColumn) -> Any:
    return cells[column.position] if column.position < len(cells) else None


def _flat(messages: Any) -> list[Any]:
    if isinstance(messages, list | tuple):
        return [m for item in messages for m in _flat(item)]
    if isinstance(messages, dict):
        return [m for item in messages.values() for m in _flat(item)]
    return [messages]
