"""The PostgreSQL COPY path of a CSV export: the Python path's bytes, at the database's speed.

Why. Turning rows into Python values and back into text costs most of an export's time: the
database writes the same file (`COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)`) several times
faster than `values_list` + `csv.writer` can. So, on PostgreSQL, when every column of an
export's column plan (columns.py) maps to SQL, the downloader reads the file's rows from COPY,
in blocks, and Python only writes the BOM and the header line before them. Anything this
module does not know refuses it, with the reason (`CopyRefused`), and the export takes the
Python path: a wrong byte is worse than a slow export.

What maps, column by column (the SELECT list; FROM, joins, WHERE and ORDER BY are the export's
own queryset's, compiled by Django: the same rows, in the same order):

| the column plan says                       | the cell in SQL                                 |
| ------------------------------------------ | ----------------------------------------------- |
| the database value itself, a text field    | the value; '' and NULL as empty cells, the map  |
| ... an integer field                       | `value::text` (what `str(int)` writes)          |
| ... a boolean field                        | `CASE`: the value map's True/False/None text    |
| ... a decimal field of up to 6 places      | `value::text`: `str(Decimal)` of the column's   |
|                                            | scale (more places: `str` writes `1E-7`)        |
| DRF's `DecimalField` text (same places)    | `value::text`: `f"{quantized:f}"` is the same   |
| DRF's `BigIntegerField`                    | `value::text`, as `int` or `str` of the value   |
| the import's version column (VersionField) | `to_char(value AT TIME ZONE 'UTC', ...)`: ISO   |
|                                            | 8601 with microseconds, as `version_text`       |
| the choice-labels rule                     | `CASE value WHEN code THEN label ... END`       |
| the local-datetime rule, default format    | `to_char(value AT TIME ZONE zone, 'YYYY-MM-DD   |
|                                            | HH24:MI:SS')`: fractions dropped, as Python     |
|                                            | drops them, years below 1000 zero-padded        |
| the date rule, default format              | `to_char(value, 'YYYY-MM-DD')`                  |

Refused: a column not read from the database (a method field, a nested serializer, a
property), a serializer with its own `to_representation`, another representation or format,
a value type not above (floats: PostgreSQL's shortest text is not Python's repr), a field with
`from_db_value`, a value map key that could match the column's values and is not text, an
integer or None, one column only (see below), and any Column option not listed in
`_KNOWN_COLUMN_OPTIONS` that is not at its default (a masked column, say: it must stay Python).

How the bytes stay equal:
- Constants are Python's own: every text the value map, a choice label or the formula rule
  gives for a known value is computed at plan time by the export's own cell converter, and
  sent as a parameter; labels are those of the language active when the plan is made.
- Empty cells: COPY writes NULL as nothing and '' as `""`; `csv.writer` writes both as
  nothing. Every cell expression gives NULL for an empty cell. (`csv.writer` quotes a lone
  empty field, COPY a lone `\\.`: exports of one column take the Python path.)
- Quoting: both quote a value holding the delimiter, a quote, CR or LF, and double its quotes.
- Line ends: COPY ends rows with LF, `csv.writer` with CRLF. PostgreSQL sends each row as one
  CopyData message (the protocol says so), so `copy_chunks` knows where each row ends: it
  replaces each row's last byte (or, in a chunk without a quote, where no value can hold a
  newline, every LF at once); newlines inside quoted values stay as they are, as in Python.
  The rows are counted the same way (progress, the job's row count).
- Encoding: a UTF-8 database and connection only (the file is UTF-8, and `ascii()` gives a
  first character's code point only in UTF-8).
- Formula neutralisation of values: `csv_format.is_formula` in SQL, from the same trigger
  characters and number pattern (ASCII digits).
- Time zones: PostgreSQL's zone data and Python's (`zoneinfo`) must be the same IANA release;
  both read the system's on a Debian host. A database on another host with other zone data
  may differ for dates the rules changed for: the tests compare both on the same server.
"""

from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldError
from django.db import NotSupportedError, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, F, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from rest_framework import serializers
from rest_framework.settings import api_settings

from apps.common.imports.version import VersionField

from .cells import DEFAULT_DATE_FORMAT, DEFAULT_DATETIME_FORMAT, ChoiceText, TimeText, rule_text
from .columns import Column, ColumnPlan, _model_path, unwrap_none_safe
from .csv_format import FORMULA_TRIGGERS, PLAIN_NUMBER, CellConverter

Sql = tuple[str, list[Any]]  # a piece of SQL and its parameters, in order

# Column's fields this module reads; any other must be at its default, or COPY is refused.
_KNOWN_COLUMN_OPTIONS = frozenset({"name", "label", "lookup", "represent", "ruled"})
# Python's `str(Decimal)` writes a column's scale as PostgreSQL does up to this many places.
_MAX_DECIMAL_PLACES = 6


class CopyRefused(Exception):
    """This export cannot be written by COPY; the message says why."""


@dataclass(frozen=True)
class CopyPlan:
    """The COPY statement of one export; None when the query finds no rows at all."""

    statement: str | None
    params: tuple[Any, ...]
    using: str


def copy_plan(
    plan: ColumnPlan,
    queryset: QuerySet,
    to_cell: CellConverter,
    *,
    value_map: Mapping[Any, Any] | None,
    neutralize: bool,
) -> CopyPlan:
    """The COPY statement writing `plan`'s cells of `queryset`'s rows as `to_cell` (the
    export's cell converter, made from `value_map` and `neutralize`) writes them;
    `CopyRefused` naming what does not map."""
    if not plan.from_database_rows:
        unread = [column.name for column in plan.columns if column.lookup is None]
        reason = (
            f"columns not read from the database: {', '.join(unread)}"
            if unread
            else "the serializer has its own to_representation"
        )
        raise CopyRefused(reason)
    if len(plan.columns) < 2:
        raise CopyRefused("one column only (csv.writer quotes a lone empty cell, COPY does not)")
    _require_utf8(queryset.db)
    query = queryset.query
    if query.distinct or query.group_by is not None or query.combinator:
        # The Python path reads the pk beside the cells: DISTINCT and GROUP BY would see it.
        raise CopyRefused("the queryset is DISTINCT, grouped or combined")
    model = queryset.model
    cells = {
        f"copy_cell_{position}": _Cell(
            F(column.lookup or ""),
            _cell_sql(column, field, model, _Cells(to_cell, value_map, neutralize, column.name)),
        )
        for position, (column, field) in enumerate(zip(plan.columns, plan.fields, strict=True))
    }
    try:
        rows = queryset.annotate(**cells).values_list(*cells)
        compiler = rows.query.get_compiler(using=rows.db)
        select, params = compiler.as_sql()
    except EmptyResultSet:
        return CopyPlan(None, (), queryset.db)
    except (FieldError, NotSupportedError, TypeError) as error:
        raise CopyRefused(f"the queryset does not compile for COPY: {error}") from error
    return CopyPlan(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", tuple(params), rows.db)


def _require_utf8(using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    info = connection.connection.info
    server = info.parameter_status("server_encoding")
    if server != "UTF8" or info.encoding != "utf-8":
        raise CopyRefused(f"the database's encoding is {server}, the connection's {info.encoding}")


def copy_chunks(plan: CopyPlan, *, rows_per_chunk: int) -> Generator[tuple[bytes, int]]:
    """The CSV lines of the COPY, CRLF-ended, `rows_per_chunk` rows at a time, with their
    count. Close the generator to stop early: the COPY is cancelled.

    The COPY has a connection of its own, closed at the end: while it sends rows its connection
    takes no other query, and the export's own go on meanwhile (the job's heartbeat, which
    also notices a cancel). It sees what is committed, as the export's connection does outside
    a transaction (the downloader takes the Python path inside one)."""
    if plan.statement is None:
        return
    connection = connections.create_connection(plan.using)
    try:
        # Django's cursor wraps psycopg's; COPY is psycopg's own.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(plan.statement, plan.params) as copy,
        ):
            rows: list[Any] = []
            for row in copy:  # one CopyData message: one row, ending with LF
                rows.append(row)
                if len(rows) >= rows_per_chunk:
                    yield _crlf(rows), len(rows)
                    rows = []
            if rows:
                yield _crlf(rows), len(rows)
    finally:
        connection.close()


def _crlf(rows: list[Any]) -> bytes:
    """COPY's rows (each ending with LF) as csv.writer ends them, with CRLF.

    A value holding CR or LF is always quoted: in a chunk without a quote, every LF ends a row,
    and one `replace` does it. Otherwise each row's last byte is replaced, one row at a time."""
    data = b"".join(rows)
    if b'"' not in data:
        return data.replace(b"\n", b"\r\n")
    return b"".join([bytes(row[:-1]) + b"\r\n" for row in rows])


class _Cell(Expression):
    """One cell's SQL around its value's column (resolved by Django: joins, aliases)."""

    def __init__(self, value: Any, render: Callable[[Sql], Sql]) -> None:
        super().__init__(output_field=models.TextField())
        self.value = value
        self.render = render

    def get_source_expressions(self) -> list[Any]:
        return [self.value]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.value,) = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.value)
        sql, cell_params = self.render((sql, list(params)))
        return sql, tuple(cell_params)


# Building a cell ---------------------------------------------------------------------------


def _cell_sql(
    column: Column, field: serializers.Field, model: type[models.Model], cells: "_Cells"
) -> Callable[[Sql], Sql]:
    """How `column`'s value becomes its cell, in SQL; `CopyRefused` if it does not map."""
    for option in fields(column):
        if option.name not in _KNOWN_COLUMN_OPTIONS and getattr(column, option.name) != (
            option.default if option.default is not MISSING else object()
        ):
            raise CopyRefused(f"column {column.name!r}: option {option.name!r} is not mapped")
    path = _model_path(model, list(field.source_attrs))
    value_field = path.value_field if path is not None else None
    if value_field is None or hasattr(value_field, "from_db_value"):
        raise CopyRefused(f"column {column.name!r}: its model field does not map")
    if column.represent is None:
        return cells.stored(value_field)
    if column.ruled:
        text = rule_text(column.represent)
        if isinstance(text, ChoiceText):
            return cells.choices(value_field, text.labels)
        if isinstance(text, TimeText):
            return cells.time_text(value_field, text)
        raise CopyRefused(f"column {column.name!r}: its cell rule does not map")
    return cells.represented(field, value_field, unwrap_none_safe(column.represent))


class _Cells:
    """The SQL of one column's cells, with the export's converter for constants."""

    def __init__(
        self,
        to_cell: CellConverter,
        value_map: Mapping[Any, Any] | None,
        neutralize: bool,
        name: str,
    ) -> None:
        self.to_cell = to_cell
        self.neutralize = neutralize
        self.name = name
        # Keys match by type as well as value (csv_format): only a key of a value's own type
        # can replace it, so each kind below looks at the keys of its type.
        self.keys = list(value_map or {})

    def refuse(self, why: str) -> CopyRefused:
        return CopyRefused(f"column {self.name!r}: {why}")

    def const(self, value: Any) -> Sql:
        """The cell Python writes for `value`, as an SQL literal (NULL: an empty cell)."""
        cell = self.to_cell(value)
        text = "" if cell is None else cell if isinstance(cell, str) else str(cell)
        return ("%s::text", [text]) if text else ("NULL::text", [])

    def stored(self, value_field: models.Field) -> Callable[[Sql], Sql]:
        """A database value written as it is (the representation returns it unchanged)."""
        if isinstance(value_field, models.BooleanField):
            return self.booleans
        if isinstance(value_field, models.IntegerField):
            return self.integers
        if isinstance(value_field, models.CharField | models.TextField):
            return self.texts
        if isinstance(value_field, models.DecimalField):
            if any(isinstance(key, Decimal) for key in self.keys):
                raise self.refuse("the value map has decimal keys")
            if value_field.decimal_places > _MAX_DECIMAL_PLACES:
                raise self.refuse(f"str(Decimal) of {value_field.decimal_places} places")
            return lambda value: self._otherwise(value, _as_text(value))
        raise self.refuse(f"{type(value_field).__name__} values do not map")

    def represented(
        self, field: serializers.Field, value_field: models.Field, represent: Any
    ) -> Callable[[Sql], Sql]:
        """A serializer field's own representation: DRF's big integers and decimal text, and
        the version column an import checks (`version_text`: ISO 8601 in UTC, microseconds)."""
        if (
            getattr(represent, "__func__", None) is VersionField.to_representation
            and getattr(represent, "__self__", None) is field
            and isinstance(value_field, models.DateTimeField)
            and settings.USE_TZ
        ):
            iso = """'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'"""  # isoformat(), microseconds, UTC
            return lambda value: self._text_cell(
                value, (f"to_char(({value[0]}) AT TIME ZONE 'UTC', {iso})", value[1]), plain=True
            )
        # djangorestframework-stubs 3.16 (for Django 5.2) know no BigIntegerField; DRF has it.
        big_integers = serializers.BigIntegerField  # type: ignore[attr-defined, unused-ignore]
        if (
            getattr(represent, "__func__", None) is big_integers.to_representation
            and getattr(represent, "__self__", None) is field
            and isinstance(value_field, models.IntegerField)
            and not isinstance(value_field, models.BooleanField)
        ):
            if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
                return lambda value: self._text_cell(value, _as_text(value), plain=True)
            return self.integers
        if not (
            getattr(represent, "__func__", None) is serializers.DecimalField.to_representation
            and getattr(represent, "__self__", None) is field
            and isinstance(field, serializers.DecimalField)
            and isinstance(value_field, models.DecimalField)
        ):
            raise self.refuse(f"{type(field).__name__}'s representation does not map")
        coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        if not coerce or field.localize or field.normalize_output:
            raise self.refuse("a decimal that is not DRF's plain text")
        if field.decimal_places not in (None, value_field.decimal_places) or (
            field.max_digits is not None and field.max_digits < value_field.max_digits
        ):
            raise self.refuse("the decimal's places or digits differ from its model field's")
        return lambda value: self._text_cell(value, _as_text(value))

    def choices(self, value_field: models.Field, labels: Mapping[Any, Any]) -> Callable[[Sql], Sql]:
        """The label of a known code (None too, if it has one); any other code as stored."""
        otherwise: Callable[[Sql], Sql]
        if isinstance(value_field, models.CharField):
            kind: type = str
            otherwise = self._text_rest
        elif isinstance(value_field, models.IntegerField) and not isinstance(
            value_field, models.BooleanField
        ):
            kind, otherwise = int, self._integer_rest
        else:
            raise self.refuse(f"choices of a {type(value_field).__name__}")
        codes = [code for code in labels if code is not None]
        if any(type(code) is not kind for code in codes):
            raise self.refuse("choice codes of another type than the field's")

        def render(value: Sql) -> Sql:
            branches = [(_is_null(value), self.const(labels.get(None)))]
            branches += [(_equals(value, code), self.const(labels[code])) for code in codes]
            return _case(branches, otherwise(value))

        return render

    def time_text(self, value_field: models.Field, text: TimeText) -> Callable[[Sql], Sql]:
        """A datetime's or date's text, in the default formats only."""
        if isinstance(value_field, models.DateTimeField):
            if text.format != DEFAULT_DATETIME_FORMAT or text.zone is None:
                raise self.refuse(f"datetime_format {text.format!r} has no SQL spelling here")
            zone = str(getattr(text.zone, "key", text.zone))
            if settings.USE_TZ:
                template = "to_char(({}) AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')"
                zone_params = [zone]
            else:  # naive values are wall-clock time already, in both paths
                template, zone_params = "to_char(({}), 'YYYY-MM-DD HH24:MI:SS')", []
        elif isinstance(value_field, models.DateField):
            if text.format != DEFAULT_DATE_FORMAT:
                raise self.refuse(f"date_format {text.format!r} has no SQL spelling here")
            template, zone_params = "to_char(({}), 'YYYY-MM-DD')", []
        else:
            raise self.refuse(f"a time rule over a {type(value_field).__name__}")

        def render(value: Sql) -> Sql:
            written = (template.format(value[0]), value[1] + zone_params)
            # A text that starts with a year's digit: never empty, never formula-like.
            return self._text_cell(value, written, plain=True)

        return render

    # The value kinds: Python's converter, by the value's type ------------------------------

    def texts(self, value: Sql) -> Sql:
        return _case([(_is_null(value), self.const(None))], self._text_rest(value))

    def integers(self, value: Sql) -> Sql:
        return _case([(_is_null(value), self.const(None))], self._integer_rest(value))

    def booleans(self, value: Sql) -> Sql:
        return _case(
            [(_is_null(value), self.const(None)), (value, self.const(True))], self.const(False)
        )

    def _text_cell(self, value: Sql, text: Sql, *, plain: bool = False) -> Sql:
        """`text` (the representation of `value`), or the None cell when `value` is NULL."""
        rest = self._text_rest(text, plain=plain)
        return _case([(_is_null(value), self.const(None))], rest)

    def _otherwise(self, value: Sql, text: Sql) -> Sql:
        """A number's text (never mapped by text keys, never neutralised), or the None cell."""
        return _case([(_is_null(value), self.const(None))], text)

    def _text_rest(self, text: Sql, *, plain: bool = False) -> Sql:
        """A text that is not NULL: the map's text keys, '' empty, then the formula rule."""
        branches = [(_equals(text, key), self.const(key)) for key in self.keys if type(key) is str]
        if not plain:
            branches.append(((f"({text[0]}) = ''", text[1]), ("NULL::text", [])))
            if self.neutralize:
                branches.append((_formula(text), (f"%s || ({text[0]})", ["'", *text[1]])))
        return _case(branches, text) if branches else text

    def _integer_rest(self, value: Sql) -> Sql:
        branches = [(_equals(value, key), self.const(key)) for key in self.keys if type(key) is int]
        text = _as_text(value)
        return _case(branches, text) if branches else text


def _case(branches: list[tuple[Sql, Sql]], otherwise: Sql) -> Sql:
    if not branches:
        return otherwise
    sql, params = ["CASE"], []
    for (condition, condition_params), (then, then_params) in branches:
        sql.append(f"WHEN {condition} THEN {then}")
        params += [*condition_params, *then_params]
    sql.append(f"ELSE {otherwise[0]} END")
    return " ".join(sql), [*params, *otherwise[1]]


def _is_null(value: Sql) -> Sql:
    return f"({value[0]}) IS NULL", value[1]


def _equals(value: Sql, literal: Any) -> Sql:
    return f"({value[0]}) = %s", [*value[1], literal]


def _as_text(value: Sql) -> Sql:
    return f"({value[0]})::text", value[1]


def _formula(text: Sql) -> Sql:
    """`csv_format.is_formula`: more than one character, a trigger first, not a number.

    The first character is compared by its code point (`ascii()` gives it in a UTF-8
    database): a third cheaper than comparing one-character texts."""
    sql, params = text
    triggers = ", ".join(str(ord(trigger)) for trigger in sorted(FORMULA_TRIGGERS))
    return (
        f"ascii(({sql})) IN ({triggers}) AND length(({sql})) > 1 AND ({sql}) !~ %s",
        [*params, *params, *params, f"^(?:{PLAIN_NUMBER})$"],
    )
