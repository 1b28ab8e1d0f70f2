"""The export's cell rules, undone: from what a cell says back to what the serializer takes.

For each rule of the export (see apps/common/exports/cells.py) its inverse, column by column:

- the `'` the CSV writer puts before formula-like text is taken off (CSV only: XLSX cells are
  never prefixed);
- the value map: "-" is None for a column that takes None (a text column that does not keeps
  "-" as text), "Y"/"N" are True/False;
- choice labels, in the project's language or in English, are their codes (a code is read too);
- local datetimes (`YYYY-MM-DD HH:MM:SS`, or an XLSX date cell, which has no zone) are wall-clock
  times in the export's time zone; dates likewise;
- numbers as Excel stores them: `100.0` in an integer column is 100, a number in a text column
  is its digits;
- a NUL character is refused in any cell (PostgreSQL text cannot hold it).

A reader raises CellError with a message for the cell; anything else goes on to the serializer.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.common.exports.csv_format import is_formula

CellReader = Callable[[Any], Any]


class CellError(ValueError):
    pass


def cell_reader(
    field: serializers.Field,
    model_field: models.Field | None,
    *,
    zone: tzinfo,
    datetime_format: str | None,
    date_format: str | None,
    value_map: Mapping[Any, Any] | None,
    csv: bool,
    languages: Iterable[str],
) -> CellReader:
    """The one function that reads this column's cells, decided once per import."""
    nulls = {text for value, text in (value_map or {}).items() if value is None}
    booleans = {text: value for value, text in (value_map or {}).items() if isinstance(value, bool)}
    allow_null = getattr(field, "allow_null", False)
    typed = _typed_reader(
        field, model_field, zone, datetime_format, date_format, booleans, languages
    )
    text_field = isinstance(field, serializers.CharField | serializers.ChoiceField)

    def read(cell: Any) -> Any:
        if isinstance(cell, str):
            if "\x00" in cell:
                raise CellError(_("Holds a NUL character; remove it."))
            if csv and cell[:1] == "'" and is_formula(cell[1:]):
                cell = cell[1:]
            if allow_null and cell in nulls:
                return None
            if cell == "" and not text_field:
                return None
        elif cell is None:
            return "" if text_field and not allow_null else None
        return typed(cell)

    return read


def _typed_reader(
    field: serializers.Field,
    model_field: models.Field | None,
    zone: tzinfo,
    datetime_format: str | None,
    date_format: str | None,
    booleans: Mapping[Any, bool],
    languages: Iterable[str],
) -> CellReader:
    if isinstance(field, serializers.BooleanField):
        return lambda cell: booleans.get(cell, cell)
    if isinstance(field, serializers.ChoiceField) and model_field is not None:
        codes = choice_codes(model_field, languages)
        return lambda cell: codes.get(cell, cell) if isinstance(cell, str) else cell
    if isinstance(field, serializers.DateTimeField):
        return lambda cell: local_datetime(cell, zone, datetime_format)
    if isinstance(field, serializers.DateField):
        return lambda cell: local_date(cell, date_format)
    if isinstance(field, serializers.IntegerField):
        return _integral
    if isinstance(field, serializers.CharField | serializers.RelatedField):
        return _as_text
    return lambda cell: cell


def choice_codes(model_field: models.Field, languages: Iterable[str]) -> dict[str, Any]:
    """Label (in each language) → code; a code's own text → code."""
    codes: dict[str, Any] = {}
    for language in languages:
        with translation.override(language):
            for code, label in model_field.flatchoices:
                codes.setdefault(str(label), code)
    for code, _label in model_field.flatchoices:
        codes[str(code)] = code
    return codes


def local_datetime(cell: Any, zone: tzinfo, datetime_format: str | None) -> Any:
    """A wall-clock time in `zone` as an aware datetime; other text goes on to the serializer
    (which reads ISO 8601, with or without an offset)."""
    if isinstance(cell, datetime):
        return cell if cell.tzinfo else cell.replace(tzinfo=zone)
    if isinstance(cell, str) and datetime_format:
        try:
            return datetime.strptime(cell.strip(), datetime_format).replace(tzinfo=zone)
        except ValueError:
            pass
        try:
            value = datetime.fromisoformat(cell.strip())
        except ValueError:
            return cell
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return cell


def local_date(cell: Any, date_format: str | None) -> Any:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str) and date_format:
        try:
            return datetime.strptime(cell.strip(), date_format).date()
        except ValueError:
            return cell
    return cell


def _integral(cell: Any) -> Any:
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str):
        return cell.strip()
    return cell


def _as_text(cell: Any) -> Any:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, int | float):
        return str(cell)
    if isinstance(cell, datetime | date):
        return cell.isoformat(" ") if isinstance(cell, datetime) else cell.isoformat()
    return cell
