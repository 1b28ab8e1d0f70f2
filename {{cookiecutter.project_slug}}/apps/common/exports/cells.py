"""The cell rules: what an operator reads in each cell of an export, and the switch for each.

Every rule is on by default and switched per export by a `CSVDownloader` attribute (or the
keyword argument of the same name). This module is the one place that says what each rule
does; the column plan (columns.py) asks it, column by column, once per export.

Each rule: its switch and default; what switching it off gives; why it is on.

- Choice labels. `choice_labels = True`. Off: the stored code (`paid`). A code means nothing
  to an operator; its label (`지급 완료`) does, in the reader's language.
- Local datetimes. `datetime_format = "%Y-%m-%d %H:%M:%S"`, in `time_zone` (default: the
  setting TIME_ZONE, read when the export runs). Off (`datetime_format=None`): the
  serializer's ISO 8601 text with its offset. Excel reads ISO 8601 as text, and an offset is
  noise to someone in the project's zone. XLSX always writes date cells, in `time_zone`.
- Dates. `date_format = "%Y-%m-%d"`. Off (None): the serializer's text. The same spelling as
  the datetimes' date, and one place to change it (`"%Y.%m.%d"`) for every date of an export.
- Relation headers. `relation_headers = True`. Off: the target field's name alone
  ("username"), which does not say whose.
- The value map. `value_convert_map = {None: "-", True: "Y", False: "N"}` (the classic
  pattern's marks). Off (None): an empty cell for None, True/False as text.
- Headers. A field's `label`, else its model field's verbose name, through gettext: in the
  reader's language. A literal label stays literal; `get_csv_headers()` may be overridden.

Which columns the value rules (labels, datetimes, dates) apply to: those read from a model
field (directly or across forward foreign keys) whose serializer field says nothing of its own
about the text: a stock DRF (or the project's) field, with DRF's ISO format for datetimes and
dates. A field with its own `to_representation` or its own `format` keeps it, and a serializer
with its own `to_representation` decides all its cells. Method fields, properties and nested
serializers are the serializer's business too.

What each rule gives, exactly (a PostgreSQL COPY path must produce the same text, issue 18):

- choice labels: `str(label)` of the model field's `flatchoices`, in the language active when
  the export starts (the request's; a job's worker's); a value without a label stays as it is.
  In SQL: `CASE col WHEN 'paid' THEN '지급' ... ELSE col END`, with the labels as parameters.
- local datetimes (CSV): the instant in `time_zone`, its wall-clock time written with
  `datetime_format`; the default format is the first 19 characters of `isoformat(" ",
  "seconds")` of the local time: strftime's text, faster, and with years below 1000
  zero-padded (as SQL's YYYY).
  Fractions of a second are dropped, not rounded.
  In SQL: `to_char(col AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')`.
  XLSX: a date cell holding the same wall-clock time (milliseconds kept), whatever the format.
- dates: `date_format` of the date. In SQL: `to_char(col, 'YYYY-MM-DD')`.
- then the value map, by type and value (True→"Y" but not 1→"Y"), after the rules above: a
  None datetime or choice becomes "-". In SQL: `COALESCE(...,'-')`, `CASE WHEN col THEN 'Y'`.
- relation headers: the verbose names of the foreign keys on the way and of the field, each
  through gettext, joined by spaces: `source="customer.username"` → "customer username".
"""

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from apps.common.serializers import DateTimeField as ProjectDateTimeField

Represent = Callable[[Any], Any]

DEFAULT_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

# Serializer fields whose text the value rules may replace: DRF's own representations.
_PLAIN_CHOICES = frozenset(
    {
        serializers.Field.to_representation,
        serializers.ReadOnlyField.to_representation,
        serializers.CharField.to_representation,
        serializers.ChoiceField.to_representation,
        serializers.IntegerField.to_representation,
    }
)
_ISO_DATETIME_REPRESENTATIONS = frozenset(
    {serializers.DateTimeField.to_representation, ProjectDateTimeField.to_representation}
)
_ISO_DATE_REPRESENTATIONS = frozenset({serializers.DateField.to_representation})


@dataclass(frozen=True)
class ChoiceText:
    """What a choice-label rule writes: `labels[code]`, a code without a label as it is."""

    labels: Mapping[Any, Any]


@dataclass(frozen=True)
class TimeText:
    """What a datetime or date rule writes: the value in `zone` (datetimes only; None: as it
    is), in `format`."""

    format: str
    zone: tzinfo | None = None


# A rule's represent function -> what it writes, for the PostgreSQL COPY path (copy_sql.py),
# which must write the same text. A function not in here is nobody's rule: COPY refuses it.
_RULE_TEXTS: "weakref.WeakKeyDictionary[Represent, ChoiceText | TimeText]" = (
    weakref.WeakKeyDictionary()
)


def rule_text(represent: Represent) -> "ChoiceText | TimeText | None":
    """What the rule function `represent` writes; None if it is not a cell rule's."""
    try:
        return _RULE_TEXTS.get(represent)
    except TypeError:  # not weakly referenceable: not ours
        return None


def _described(represent: Represent, text: "ChoiceText | TimeText") -> Represent:
    _RULE_TEXTS[represent] = text
    return represent


@dataclass(frozen=True)
class ValueRule:
    """A rule that took over a column: `represent` turns the database value into the cell
    (None-safe); None when the database value is the cell itself (an XLSX date cell)."""

    represent: Represent | None


@dataclass(frozen=True)
class CellRules:
    """The rules of one export, resolved once: its language's labels, its zone, its format."""

    choice_labels: bool = False
    relation_headers: bool = False
    datetime_format: str | None = None
    date_format: str | None = None
    zone: tzinfo = UTC  # used only by the datetime rule, which is off unless given a format
    spreadsheet: bool = False  # XLSX: dates and datetimes stay values, written as date cells

    @classmethod
    def for_export(
        cls,
        *,
        choice_labels: bool,
        relation_headers: bool,
        datetime_format: str | None,
        date_format: str | None,
        time_zone: str,
        spreadsheet: bool,
    ) -> "CellRules":
        return cls(
            choice_labels=choice_labels,
            relation_headers=relation_headers,
            datetime_format=datetime_format,
            date_format=date_format,
            zone=ZoneInfo(time_zone),
            spreadsheet=spreadsheet,
        )

    def value_rule(self, field: serializers.Field, model_field: models.Field) -> ValueRule | None:
        """The rule that writes this column's cells, or None: the serializer's representation."""
        if model_field.choices:
            if not self.choice_labels or type(field).to_representation not in _PLAIN_CHOICES:
                return None
            labels = choice_label_map(model_field)
            return ValueRule(_described(labels.__getitem__, ChoiceText(labels)))
        for kind in _TIME_KINDS:  # the datetime first: a DateTimeField is a DateField too
            if isinstance(model_field, kind.model_field):
                output_format = getattr(api_settings, kind.api_format_setting)
                if not _iso_text(field, kind.representations, output_format):
                    return None
                if self.spreadsheet:
                    return ValueRule(None)
                represent = kind.text(self)
                return None if represent is None else ValueRule(represent)
        return None

    def datetime_represent(self) -> Represent | None:
        if self.datetime_format is None:
            return None
        return local_datetime_text(self.zone, self.datetime_format)

    def date_represent(self) -> Represent | None:
        return None if self.date_format is None else date_text(self.date_format)

    def header(self, hops: tuple[models.Field, ...], field: models.Field) -> str:
        """A column's header when its serializer field has no label of its own."""
        names = [*hops, field] if self.relation_headers else [field]
        return " ".join(str(name.verbose_name) for name in names)


@dataclass(frozen=True)
class _TimeKind:
    """Datetimes or dates: the model field, the serializer representations the rule replaces,
    the DRF setting of their default format, and the rule's text function."""

    model_field: type[models.Field]
    representations: frozenset
    api_format_setting: str
    text: Callable[[CellRules], Represent | None]


_TIME_KINDS = (
    _TimeKind(
        models.DateTimeField,
        _ISO_DATETIME_REPRESENTATIONS,
        "DATETIME_FORMAT",
        CellRules.datetime_represent,
    ),
    _TimeKind(models.DateField, _ISO_DATE_REPRESENTATIONS, "DATE_FORMAT", CellRules.date_represent),
)


def _iso_text(field: serializers.Field, representations: frozenset, default_format: Any) -> bool:
    """Whether the field writes DRF's ISO text: its own class's representation, ISO format."""
    if type(field).to_representation not in representations:
        return False
    output_format = getattr(field, "format", default_format)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


class _Labels(dict):
    """Code → label; a code without a label (and None) is its own cell."""

    def __missing__(self, key: Any) -> Any:
        return key


def choice_label_map(model_field: models.Field) -> Mapping[Any, Any]:
    """The field's labels as text in the active language, found once per export."""
    return _Labels((code, str(label)) for code, label in model_field.flatchoices)


def local_datetime_text(zone: tzinfo, datetime_format: str) -> Represent:
    """An aware datetime as wall-clock text in `zone`; naive ones are taken as wall-clock time.

    The default format is sliced from `isoformat` (fixed width: 19 characters before the
    offset), the quickest way Python writes it."""
    return _described(_local_datetime_text(zone, datetime_format), TimeText(datetime_format, zone))


def _local_datetime_text(zone: tzinfo, datetime_format: str) -> Represent:
    if datetime_format == DEFAULT_DATETIME_FORMAT:

        def iso(value: datetime | None) -> str | None:
            if value is None:
                return None
            local = value.astimezone(zone) if value.tzinfo else value
            return local.isoformat(" ", "seconds")[:19]

        return iso

    def formatted(value: datetime | None) -> str | None:
        if value is None:
            return None
        local = value.astimezone(zone) if value.tzinfo else value
        return local.strftime(datetime_format)

    return formatted


def date_text(date_format: str) -> Represent:
    default = date_format == DEFAULT_DATE_FORMAT

    def represent(value: date | None) -> str | None:
        if value is None:
            return None
        return value.isoformat() if default else value.strftime(date_format)

    return _described(represent, TimeText(date_format))
