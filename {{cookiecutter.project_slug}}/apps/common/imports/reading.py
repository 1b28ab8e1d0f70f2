"""From an uploaded file to rows of cells, one at a time: CSV (encoding found by itself) or XLSX.

Nothing here holds the whole file: a CSV is read twice from its file object (once, as bytes, to
find its encoding; once as text, a row at a time), an XLSX through openpyxl's read-only mode,
which parses the sheet as it goes.

The encodings a back office meets: UTF-8 (what the project's exports write, with a BOM), UTF-8
with a BOM, and CP949 (a superset of EUC-KR), what Korean Excel writes for "CSV (comma
delimited)". A BOM settles it; otherwise each line is decoded as UTF-8 and as CP949, and the
first encoding that reads every line wins. Text in CP949 with Korean in it is almost never valid
UTF-8 (its lead bytes would need UTF-8's continuation bytes after them), so the two are told
apart without asking; a line neither reads is named in the error.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

from .errors import ImportFileError

CSV, XLSX = "csv", "xlsx"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCODINGS = ("utf-8", "cp949")
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp949": "CP949 (EUC-KR)"}

Cells = list[Any]


@dataclass(frozen=True)
class Sheet:
    """The header row and an iterator of (file row number, cells) for the rows after it.

    Row numbers are the spreadsheet's: the header is row 1. Blank rows are skipped (Excel often
    leaves some at the end) but still counted, so a number always points at the file's row."""

    format: str
    encoding: str | None
    header: Cells
    rows: Iterator[tuple[int, Cells]]

    @property
    def encoding_name(self) -> str | None:
        return None if self.encoding is None else _ENCODING_NAMES[self.encoding]


def file_format_of(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return CSV
    if lowered.endswith(".xlsx"):
        return XLSX
    raise ImportFileError(
        _("Upload a .csv or .xlsx file; %(name)s is neither.") % {"name": name or "?"}
    )


def open_sheet(file: IO[bytes], *, name: str, max_columns: int) -> Sheet:
    """The file's rows; raises ImportFileError (400) saying what to fix when it cannot be read."""
    file_format = file_format_of(name)
    file.seek(0)
    magic = file.read(4)
    file.seek(0)
    if file_format == CSV:
        if magic == _ZIP_MAGIC:
            raise ImportFileError(
                _("This file is an XLSX workbook named .csv; rename it to .xlsx and upload it.")
            )
        return _csv_sheet(file, max_columns=max_columns)
    if magic != _ZIP_MAGIC:
        raise ImportFileError(
            _("This is not an XLSX workbook; save it from Excel as .xlsx (or as CSV) again.")
        )
    return _xlsx_sheet(file, max_columns=max_columns)


def detect_encoding(file: IO[bytes]) -> str:
    """UTF-8 with a BOM, UTF-8 or CP949: the first that decodes every line of the file."""
    file.seek(0)
    bom = file.read(3) == codecs.BOM_UTF8
    if not bom:
        file.seek(0)
    decoders = {
        name: codecs.getincrementaldecoder(name)() for name in (("utf-8",) if bom else _ENCODINGS)
    }
    line_number = 0
    for line in file:
        line_number += 1
        if b"\x00" in line:
            raise ImportFileError(
                _(
                    "Line %(line)s holds a NUL byte: this is not CSV text. Remove it, or save "
                    "the sheet again as CSV."
                )
                % {"line": line_number}
            )
        _drop_failing(decoders, line)
        if not decoders:
            raise ImportFileError(
                _(
                    "Line %(line)s is neither UTF-8 nor CP949 (EUC-KR) text. Save the file as "
                    '"CSV UTF-8" and upload it again.'
                )
                % {"line": line_number}
            )
    _drop_failing(decoders, b"", final=True)
    if not decoders:
        raise ImportFileError(
            _("Line %(line)s ends in the middle of a character; the file is cut short.")
            % {"line": line_number}
        )
    return "utf-8-sig" if bom else next(iter(decoders))


def _drop_failing(decoders: dict[str, codecs.IncrementalDecoder], data: bytes, **kw: bool) -> None:
    for name, decoder in list(decoders.items()):
        try:
            decoder.decode(data, **kw)
        except UnicodeDecodeError:
            del decoders[name]


def _csv_sheet(file: IO[bytes], *, max_columns: int) -> Sheet:
    encoding = detect_encoding(file)
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    rows = _csv_rows(text, max_columns=max_columns)
    header = _header(rows)
    return Sheet(format=CSV, encoding=encoding, header=header, rows=rows)


def _csv_rows(text: io.TextIOWrapper, *, max_columns: int) -> Iterator[tuple[int, Cells]]:
    reader = csv.reader(text)
    row_number = 0
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(
                    _("Row %(row)s is not valid CSV (%(error)s); fix it and upload again.")
                    % {"row": row_number + 1, "error": exc}
                ) from exc
            row_number += 1
            _check_width(cells, row_number, max_columns)
            if any(cell.strip() for cell in cells):
                yield row_number, cells
    finally:
        # The wrapper would close the upload when it goes; the upload is its owner's to close
        # (and may have closed it already, when the reading stopped early).
        if not text.closed:
            text.detach()


def _xlsx_sheet(file: IO[bytes], *, max_columns: int) -> Sheet:
    from openpyxl import load_workbook  # only the XLSX path needs it loaded

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, IndexError) as exc:
        raise ImportFileError(_damaged_xlsx()) from exc
    rows = _xlsx_rows(workbook, sheet, max_columns=max_columns)
    header = _header(rows)
    return Sheet(format=XLSX, encoding=None, header=header, rows=rows)


def _damaged_xlsx() -> str:
    return _(
        "This XLSX workbook cannot be read: it is cut short or damaged. Save it again from "
        "Excel and upload it."
    )


def _xlsx_rows(workbook: Any, sheet: Any, *, max_columns: int) -> Iterator[tuple[int, Cells]]:
    # One column more than allowed is read, never the rest of a very wide row.
    try:
        for row_number, values in enumerate(
            sheet.iter_rows(max_col=max_columns + 1, values_only=True), start=1
        ):
            cells = list(values)
            while cells and cells[-1] is None:  # a row's trailing empty cells
                cells.pop()
            _check_width(cells, row_number, max_columns)
            if any(cell is not None and str(cell).strip() for cell in cells):
                yield row_number, cells
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, EOFError) as exc:
        raise ImportFileError(_damaged_xlsx()) from exc
    finally:
        workbook.close()


def _check_width(cells: Cells, row_number: int, max_columns: int) -> None:
    if len(cells) > max_columns:
        raise ImportFileError(
            _("Row %(row)s has more than %(max)s columns, the most an import reads.")
            % {"row": row_number, "max": max_columns}
        )


def _header(rows: Iterator[tuple[int, Cells]]) -> Cells:
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file is empty: the first row must name the columns."))
    row_number, header = first
    if row_number != 1:
        raise ImportFileError(_("The first row is empty; it must name the columns."))
    return header
