"""From cell to XLSX: one sheet written row by row with constant memory (XlsxWriter).

XlsxWriter's `constant_memory` mode writes each row to a temporary file as soon as the next
one starts and keeps strings inline, so memory does not grow with the export; openpyxl's
write-only mode would do the same, about half as fast. The file is a zip written when the
workbook closes, so it cannot be sent before the last row: the streaming path sends the finished
temporary file.

Cells keep their type: text is always a string cell (never a formula, whatever it starts
with: the CSV file's `'` prefix is not needed here, and not added), numbers are numbers, and
dates and datetimes are Excel dates in the export's time zone (its `time_zone`). The cell rules
hand model dates and datetimes over as values; a serializer's ISO text in the columns of date
and datetime fields becomes a date again.
"""

import contextlib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from rest_framework import serializers

# Rows of one sheet, the header included (Excel's limit).
MAX_ROWS = 1_048_576
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
_MIN_WIDTH, _MAX_WIDTH = 8, 50

CellWriter = Callable[[int, int, Any], Any]


def column_kind(field: serializers.Field) -> str:
    """ "datetime", "date", "number" or "text": how the column's ISO text and width are read."""
    if isinstance(field, serializers.DateTimeField):
        return "datetime"
    if isinstance(field, serializers.DateField):
        return "date"
    numbers = (serializers.IntegerField, serializers.FloatField, serializers.DecimalField)
    if isinstance(field, numbers):
        return "number"
    return "text"


def display_width(text: str) -> int:
    """Characters as a spreadsheet shows them: wide (Korean, Chinese, Japanese) ones count twice."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


_KIND_WIDTH = {"datetime": 19, "date": 10, "number": 10, "text": 16}


def column_width(label: str, kind: str) -> int:
    """Wide enough for the header and a typical value of the column's kind; at most 50."""
    wanted = max(display_width(label), _KIND_WIDTH[kind]) + 2
    return min(max(wanted, _MIN_WIDTH), _MAX_WIDTH)


class XlsxSheetWriter:
    """One worksheet: a bold, frozen header row, then rows of cells in order."""

    def __init__(
        self,
        path: Path,
        *,
        labels: Sequence[str],
        kinds: Sequence[str],
        tmpdir: Path,
        zone: tzinfo,
    ) -> None:
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(tmpdir),  # the export's own temporary folder: swept if killed
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.sheet = self.workbook.add_worksheet()
        self.zone = zone
        self.datetime_format = self.workbook.add_format({"num_format": DATETIME_FORMAT})
        self.date_format = self.workbook.add_format({"num_format": DATE_FORMAT})
        bold = self.workbook.add_format({"bold": True})
        for column, (label, kind) in enumerate(zip(labels, kinds, strict=True)):
            self.sheet.set_column(column, column, column_width(label, kind))
            self.sheet.write_string(0, column, label, bold)
        self.sheet.freeze_panes(1, 0)
        self.cell_writers = [self._cell_writer(kind) for kind in kinds]
        self.next_row = 1

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        writers = self.cell_writers
        row_number = self.next_row
        for row in rows:
            for column, (write, value) in enumerate(zip(writers, row, strict=True)):
                write(row_number, column, value)
            row_number += 1
        self.next_row = row_number

    def close(self) -> None:
        self.workbook.close()

    def _cell_writer(self, kind: str) -> CellWriter:
        if kind == "datetime":
            return self._write_datetime_text
        if kind == "date":
            return self._write_date_text
        return self._write_value

    def _write_value(self, row: int, column: int, value: Any) -> None:
        kind = type(value)
        if kind is str:
            self.sheet.write_string(row, column, value)
        elif value is None:
            return
        elif kind is bool:
            self.sheet.write_boolean(row, column, value)
        elif isinstance(value, int | float):
            self.sheet.write_number(row, column, value)
        elif isinstance(value, Decimal):
            self.sheet.write_number(row, column, float(value))
        elif isinstance(value, datetime):
            self.sheet.write_datetime(row, column, self._local(value), self.datetime_format)
        elif isinstance(value, date):
            self.sheet.write_datetime(row, column, value, self.date_format)
        else:
            self.sheet.write_string(row, column, str(value))

    def _write_datetime_text(self, row: int, column: int, value: Any) -> None:
        if type(value) is str:
            # Another format, or the placeholder for None, stays text.
            with contextlib.suppress(ValueError):
                value = datetime.fromisoformat(value)
        self._write_value(row, column, value)

    def _write_date_text(self, row: int, column: int, value: Any) -> None:
        if type(value) is str:
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        self._write_value(row, column, value)

    def _local(self, value: datetime) -> datetime:
        """Excel dates have no time zone: the wall-clock time in the export's."""
        if value.tzinfo is None:
            return value
        return value.astimezone(self.zone).replace(tzinfo=None)
