"""The file formats an export answers, and which one a request asks for.

`?format=xlsx` (the DRF convention) wins over the `Accept` header; an `Accept` that names the
spreadsheet media type asks for XLSX; anything else gets CSV, the classic default.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

CSV = "csv"
XLSX = "xlsx"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMAT_PARAM = "format"


@dataclass(frozen=True)
class FileFormat:
    name: str
    extension: str
    content_type: str


FILE_FORMATS: dict[str, FileFormat] = {
    CSV: FileFormat(CSV, "csv", "text/csv; charset=utf-8"),
    XLSX: FileFormat(XLSX, "xlsx", XLSX_MEDIA_TYPE),
}


def file_format_get(name: str) -> FileFormat:
    """The format called `name`; a ValidationError (a 400) naming the formats offered otherwise."""
    if name not in FILE_FORMATS:
        raise ValidationError(
            {
                FORMAT_PARAM: [
                    _("Unknown format {name!r}: use one of {offered}.").format(
                        name=name, offered=", ".join(FILE_FORMATS)
                    )
                ]
            },
            code="unknown_format",
        )
    return FILE_FORMATS[name]


def requested_format(query_params: Mapping[str, Any], accept: str = "") -> FileFormat:
    """The format a request asks for: `?format=`, else the `Accept` header, else CSV."""
    if FORMAT_PARAM in query_params:
        return file_format_get(str(query_params[FORMAT_PARAM]).strip().lower())
    media_types = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return FILE_FORMATS[XLSX if XLSX_MEDIA_TYPE in media_types else CSV]
