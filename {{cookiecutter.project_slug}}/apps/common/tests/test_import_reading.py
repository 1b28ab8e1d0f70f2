"""Reading an import's file: the encoding told apart without asking, XLSX, rows numbered."""

import codecs
import csv
import io

import openpyxl
import pytest

from apps.common.imports.errors import ImportFileError
from apps.common.imports.reading import detect_encoding, open_sheet

KOREAN = [["제목", "설명"], ["출석 체크", "매일 접속하면 포인트를 드립니다"], ["", ""], ["끝", "-"]]


def _csv(rows, encoding):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949"), ("euc-kr", "cp949")],
)
def test_each_encoding_is_told_apart_and_read_back(encoding, detected):
    file = _csv(KOREAN, encoding)

    assert detect_encoding(file) == detected
    sheet = open_sheet(file, name="a.csv", max_columns=10)
    assert sheet.header == ["제목", "설명"]
    # The blank row 3 is skipped, and the rows after it keep their file numbers.
    assert list(sheet.rows) == [(2, KOREAN[1]), (4, KOREAN[3])]


def test_cp949_only_korean_is_not_mistaken_for_utf8_in_a_long_ascii_file():
    content = b"title\n" + b"plain ascii\n" * 50_000 + "한글은 끝에".encode("cp949") + b"\n"
    assert detect_encoding(io.BytesIO(content)) == "cp949"


def test_text_no_encoding_reads_names_its_line():
    content = "제목\n".encode() + "출석".encode() + b"\n" + "출석".encode("cp949") + b"\n"
    with pytest.raises(ImportFileError, match=r"^Line 3 is neither UTF-8 nor CP949"):
        detect_encoding(io.BytesIO(content))


def test_a_bom_then_text_that_is_not_utf8_names_its_line():
    content = codecs.BOM_UTF8 + b"title\n" + "출석".encode("cp949") + b"\n"
    with pytest.raises(ImportFileError, match=r"^Line 2 is neither"):
        detect_encoding(io.BytesIO(content))


def test_xlsx_cells_keep_their_types():
    workbook = openpyxl.Workbook()
    workbook.active.append(["title", "point", None])
    workbook.active.append(["출석", 100, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    sheet = open_sheet(buffer, name="a.XLSX", max_columns=5)

    assert (sheet.format, sheet.encoding, sheet.header) == ("xlsx", None, ["title", "point"])
    assert list(sheet.rows) == [(2, ["출석", 100])]


def test_a_quoted_cell_with_line_breaks_is_one_row():
    file = _csv([["title"], ["첫 줄\n둘째 줄"], ["next"]], "utf-8")
    assert list(open_sheet(file, name="a.csv", max_columns=5).rows) == [
        (2, ["첫 줄\n둘째 줄"]),
        (3, ["next"]),
    ]
