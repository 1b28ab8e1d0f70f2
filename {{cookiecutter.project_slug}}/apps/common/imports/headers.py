"""The header row: which column of the file is which field, key or version, and which to leave.

A header matches, ignoring case and runs of spaces, any of: the serializer field's name, its
label in the project's language or in English, or the label the export writes for that column
(in either language). The export's other columns (its row number, timestamps, a relation's
other fields) are known and left alone, so a file the project exported imports back as it is.
A header nothing knows, a field named twice and a required field missing are refused together
(400), each listed.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.common.exports.columns import Column
from apps.common.exports.downloader import CSVDownloader

from .errors import ImportFileError
from .registry import Import

FIELD, KEY, VERSION, IGNORED = "field", "key", "version", "ignored"


@dataclass(frozen=True)
class FileColumn:
    position: int
    header: str  # as the file spells it
    kind: str  # FIELD, KEY, VERSION or IGNORED
    name: str  # the serializer field's name; the key or version field's name; "" if ignored


@dataclass(frozen=True)
class Layout:
    fields: tuple[FileColumn, ...]
    key: FileColumn | None
    version: FileColumn | None

    def header_of(self, field_name: str) -> str:
        for column in self.fields:
            if column.name == field_name:
                return column.header
        return field_name


def languages() -> tuple[str, ...]:
    """The languages a header or a label may be in: the reader's (the request's), the
    project's, and English (the labels' source text)."""
    active = translation.get_language() or settings.LANGUAGE_CODE
    return tuple(dict.fromkeys((active, settings.LANGUAGE_CODE, "en")))


def normalize(header: Any) -> str:
    return " ".join(str(header).split()).casefold() if header is not None else ""


def writable_fields(serializer: serializers.Serializer) -> list[serializers.Field]:
    return [field for field in serializer.fields.values() if not field.read_only]


def export_downloader(spec: Import) -> CSVDownloader | None:
    if spec.export is None:
        return None
    return spec.export.downloader_class(queryset=spec.model._default_manager.none())


def _export_columns(spec: Import, language: str) -> Sequence[Column]:
    downloader = export_downloader(spec)
    if downloader is None:
        return ()
    with translation.override(language):
        return downloader.column_plan.columns


def _is_field_column(column: Column, field: serializers.Field) -> bool:
    if column.name == field.field_name or column.lookup == field.source:
        return True
    slug = getattr(field, "slug_field", None)
    return slug is not None and column.lookup == f"{field.source}__{slug}"


def _targets(spec: Import, serializer: serializers.Serializer) -> dict[str, tuple[str, str]]:
    """Normalized header → (kind, name), the fields first: a name two targets share is the
    field's."""
    fields = writable_fields(serializer)
    key_names: set[str] = {spec.key_field}
    version_names: set[str] = {spec.version_field} if spec.version_field else set()
    field_names: dict[str, set[str]] = {_name(field): {_name(field)} for field in fields}
    ignored: set[str] = set()
    model_fields = {field.name: field for field in spec.model._meta.get_fields()}
    for language in languages():
        with translation.override(language):
            for field in fields:
                field_names[_name(field)].add(str(field.label))
            if spec.key_field in model_fields:
                key_names.add(str(getattr(model_fields[spec.key_field], "verbose_name", "")))
        for column in _export_columns(spec, language):
            owner = next((f for f in fields if _is_field_column(column, f)), None)
            if owner is not None:
                field_names[_name(owner)].update({column.name, column.label})
            elif column.lookup == spec.key_field:
                key_names.update({column.name, column.label})
            elif spec.version_field and column.lookup == spec.version_field:
                version_names.update({column.name, column.label})
            else:
                ignored.update({column.name, column.label})
    targets: dict[str, tuple[str, str]] = {}
    for name, names in field_names.items():
        for header in names:
            targets.setdefault(normalize(header), (FIELD, name))
    for header in key_names:
        targets.setdefault(normalize(header), (KEY, spec.key_field))
    for header in version_names:
        targets.setdefault(normalize(header), (VERSION, spec.version_field or ""))
    for header in ignored:
        targets.setdefault(normalize(header), (IGNORED, ""))
    return targets


def _name(field: serializers.Field) -> str:
    return field.field_name or ""


def export_has_version(spec: Import) -> bool:
    if not spec.version_field:
        return False
    columns = _export_columns(spec, settings.LANGUAGE_CODE)
    return any(column.lookup == spec.version_field for column in columns)


def layout_for(spec: Import, serializer: serializers.Serializer, header: Iterable[Any]) -> Layout:
    """Which file column is which; ImportFileError (400) listing every header problem."""
    targets = _targets(spec, serializer)
    columns: list[FileColumn] = []
    unknown: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    twice: list[str] = []
    for position, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        target = targets.get(normalize(text))
        if target is None:
            unknown.append(text or _("(column %(n)s, no header)") % {"n": position + 1})
            continue
        kind, name = target
        if kind != IGNORED:
            if (kind, name) in seen:
                twice.append(_("%(a)s and %(b)s") % {"a": seen[kind, name], "b": text})
                continue
            seen[kind, name] = text
        columns.append(FileColumn(position, text, kind, name))

    fields = tuple(column for column in columns if column.kind == FIELD)
    key = next((column for column in columns if column.kind == KEY), None)
    version = next((column for column in columns if column.kind == VERSION), None)
    present = {column.name for column in fields}
    missing = [
        str(field.label or field.field_name)
        for field in writable_fields(serializer)
        if field.required and field.field_name not in present
    ]
    if key is not None and version is None and export_has_version(spec):
        missing.append(_version_label(spec))
    if unknown or missing or twice:
        raise ImportFileError(
            _(
                "The header row does not match this import: add the missing columns, remove or "
                "rename the unknown ones, and name each column once."
            ),
            extra={"missing": missing, "unknown": unknown, "duplicated": twice},
        )
    return Layout(fields=fields, key=key, version=version)


def _version_label(spec: Import) -> str:
    for column in _export_columns(spec, translation.get_language() or settings.LANGUAGE_CODE):
        if column.lookup == spec.version_field:
            return column.label
    return spec.version_field or ""
