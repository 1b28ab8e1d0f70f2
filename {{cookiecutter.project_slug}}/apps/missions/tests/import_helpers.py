"""Files for the import tests: CSV in a chosen encoding, XLSX, and the missions export's file."""

import csv
import io
from collections.abc import Sequence
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.common.tests.export_helpers import csv_rows, streamed

Rows = Sequence[Sequence[Any]]


def csv_file(rows: Rows, *, encoding: str = "utf-8-sig", name: str = "missions.csv") -> Any:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows: Rows, *, name: str = "missions.xlsx") -> Any:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def exported_rows(client: Any, url: str, language: str = "ko", **params: str) -> list[list[str]]:
    """The missions export as the API streams it (CSV, BOM and all), parsed back to rows."""
    response = client.get(url, {"ordering": "id", **params}, HTTP_ACCEPT_LANGUAGE=language)
    return csv_rows(streamed(response))
