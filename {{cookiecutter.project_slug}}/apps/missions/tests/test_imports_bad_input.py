"""Bad files for the missions import: each a 4xx saying what to fix, nothing written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.missions.models import Mission

from .factories import RewardFactory
from .import_helpers import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("mission-import")
HEADER = ["title", "is_exposed", "starts_at", "ends_at", "reward"]


def _row(reward, title="미션"):
    return [title, "Y", "2026-01-01 09:00:00", "2026-02-01 09:00:00", reward.name]


def _post(client, file, **extra):
    return client.post(IMPORT_URL, {"file": file}, format="multipart", **extra)


def _refused(response, status=400):
    assert response.status_code == status, response.content
    assert Mission.objects.count() == 0
    return response.json()["detail"]


def test_a_truncated_xlsx(staff_client):
    reward = RewardFactory.create()
    whole = xlsx_file([HEADER, _row(reward)]).read()
    detail = _refused(_post(staff_client, SimpleUploadedFile("m.xlsx", whole[: len(whole) // 2])))
    assert "cut short or damaged" in detail


def test_a_binary_file_called_csv(staff_client):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    detail = _refused(_post(staff_client, SimpleUploadedFile("m.csv", png)))
    assert detail.startswith("Line 3 holds a NUL byte")  # after the PNG signature's \r\n


def test_an_xlsx_called_csv(staff_client):
    reward = RewardFactory.create()
    content = xlsx_file([HEADER, _row(reward)]).read()
    detail = _refused(_post(staff_client, SimpleUploadedFile("m.csv", content)))
    assert "rename it to .xlsx" in detail


def test_text_in_no_encoding_names_its_line(staff_client):
    content = b"title\n" + "출석".encode("cp949") + b"\n\xff\xfe\xff\n"
    detail = _refused(_post(staff_client, SimpleUploadedFile("m.csv", content)))
    assert detail.startswith("Line 3 is neither UTF-8 nor CP949")


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_a_header_row_only(staff_client, make):
    assert "header row only" in _refused(_post(staff_client, make([HEADER])))


def test_an_empty_file(staff_client):
    response = _post(staff_client, SimpleUploadedFile("m.csv", b""))
    _refused(response)
    assert response.json()["errors"]["file"] == ["The submitted file is empty."]


def test_a_huge_number_of_columns(staff_client, settings):
    settings.IMPORTS_MAX_COLUMNS = 50
    header = HEADER + [f"c{index}" for index in range(100_000)]
    detail = _refused(_post(staff_client, csv_file([header])))
    assert detail == "Row 1 has more than 50 columns, the most an import reads."


def test_a_huge_number_of_xlsx_columns_is_not_read(staff_client, settings):
    settings.IMPORTS_MAX_COLUMNS = 50
    detail = _refused(_post(staff_client, xlsx_file([HEADER + ["x"] * 5_000])))
    assert "more than 50 columns" in detail


def test_a_nul_byte_in_a_csv_cell(staff_client):
    reward = RewardFactory.create()
    detail = _refused(_post(staff_client, csv_file([HEADER, _row(reward, title="a\x00b")])))
    assert detail.startswith("Line 2 holds a NUL byte")


def test_too_many_bytes_is_a_413_naming_the_limit(staff_client, settings):
    settings.IMPORTS_MAX_BYTES = 1_000
    reward = RewardFactory.create()
    rows = [HEADER] + [_row(reward, title=f"미션 {index}") for index in range(100)]
    detail = _refused(_post(staff_client, csv_file(rows)), status=413)
    assert detail == "The file is larger than 1,000 bytes, the most one import takes; split it."


def test_a_huge_upload_is_refused_before_its_body_is_read(staff_client, settings):
    settings.IMPORTS_MAX_BYTES = 1_000
    # The declared length is 2 GB and no body follows: answered from the header alone.
    response = staff_client.generic(
        "POST",
        IMPORT_URL,
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["detail"]


def test_too_many_rows_is_a_400_naming_the_limit(staff_client, settings):
    settings.IMPORTS_MAX_ROWS = 10
    settings.IMPORTS_BATCH_SIZE = 4
    reward = RewardFactory.create()
    rows = [HEADER] + [_row(reward, title=f"미션 {index}") for index in range(11)]
    detail = _refused(_post(staff_client, csv_file(rows)))
    assert detail == "The file has more than 10 rows, the most one import takes; split it."
    rows.pop()
    assert _post(staff_client, csv_file(rows)).status_code == 200


def test_another_kind_of_file(staff_client):
    detail = _refused(_post(staff_client, SimpleUploadedFile("m.txt", b"title\n")))
    assert detail == "Upload a .csv or .xlsx file; m.txt is neither."


def test_no_file(staff_client):
    response = staff_client.post(IMPORT_URL, {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_only_staff_may_import(user_client):
    reward = RewardFactory.create()
    response = _post(user_client, csv_file([HEADER, _row(reward)]))
    assert response.status_code == 403
    assert Mission.objects.count() == 0


def test_messages_are_korean_for_a_korean_reader(staff_client):
    response = _post(staff_client, csv_file([HEADER]), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.json()["detail"] == "파일에 머리글 행만 있습니다. 그 아래에 행을 추가해 주세요."


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_that_is_no_workbook(staff_client):
    content = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<x/>"})
    detail = _refused(_post(staff_client, SimpleUploadedFile("m.xlsx", content)))
    assert "cut short or damaged" in detail


def test_a_workbook_whose_sheet_is_cut_short(staff_client):
    reward = RewardFactory.create()
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_file([HEADER, _row(reward)]).read()))
    files = {name: workbook.read(name) for name in workbook.namelist()}
    files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"][:200]
    detail = _refused(_post(staff_client, SimpleUploadedFile("m.xlsx", _zip(files))))
    assert "cut short or damaged" in detail
