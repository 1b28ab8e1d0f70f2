"""From representation to CSV cell, and CSV text written in batches.

Both export paths (the streaming response and the S3 file) write through `CSVTextWriter` with
the same cell converter, so the same data always gives the same bytes. The XLSX writer takes its
cells from the same converter (without the formula prefix, keeping dates).
"""

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

BOM = "\ufeff"

# OWASP "CSV injection": a cell starting with one of these may run as a spreadsheet formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# ASCII digits only: a spreadsheet reads "-١٢" (other scripts' digits) as a formula, not a
# number; and the COPY path (copy_sql.py) applies this same pattern in PostgreSQL.
PLAIN_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PLAIN_NUMBER = re.compile(PLAIN_NUMBER)
_NUMBERS = (int, float, Decimal)

CellConverter = Callable[[Any], Any]


def is_formula(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula.

    Plain numbers ("-12.5", "+3") stay numbers. A single character cannot form a formula, which
    keeps placeholders such as the default "-" for None readable.
    """
    return len(text) > 1 and text[0] in FORMULA_TRIGGERS and _PLAIN_NUMBER.fullmatch(text) is None


def neutralize_formula(value: Any) -> Any:
    """Prefix a formula-like string with `'` so spreadsheets show it as text; others unchanged."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def make_cell_converter(
    value_convert_map: Mapping[Any, Any] | None,
    *,
    neutralize: bool,
    keep: tuple[type, ...] = (),
) -> CellConverter:
    """Build the one function that turns a field's representation into a CSV cell.

    Keys of `value_convert_map` match by type as well as by value, so the integers 1 and 0 are
    not taken for True and False. Numbers stay numbers, an unmapped None an empty cell; mappings
    and lists become JSON; objects of the types in `keep` stay as they are (a spreadsheet has
    dates); any other object becomes its text. With `neutralize`, formula-like text is made
    harmless.
    """
    replacements_by_type: dict[type, dict[Any, Any]] = {}
    for key, replacement in (value_convert_map or {}).items():
        replacements_by_type.setdefault(type(key), {})[key] = replacement

    def to_cell(value: Any) -> Any:
        kind = type(value)
        replacements = replacements_by_type.get(kind)
        if replacements is not None and value in replacements:
            value = replacements[value]
            kind = type(value)
        if kind is str:
            # The first-character test first: most cells stop there, with no function call.
            if neutralize and value[:1] in FORMULA_TRIGGERS and is_formula(value):
                return "'" + value
            return value
        if value is None or kind in _NUMBERS or isinstance(value, _NUMBERS):
            return value
        if keep and isinstance(value, keep):
            return value
        if isinstance(value, Mapping | list | tuple):
            value = json.dumps(value, ensure_ascii=False, default=str)
        else:
            value = str(value)
        return "'" + value if neutralize and is_formula(value) else value

    return to_cell


class CSVTextWriter:
    """A `csv.writer` over a list of strings, emptied by `take()` after every batch.

    Memory holds one batch at most. Rows reach it as cells already, so a bad row (found while
    making cells) never leaves a partial line behind.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._writer = csv.writer(SimpleNamespace(write=self._parts.append))

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(row)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows(rows)

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text
