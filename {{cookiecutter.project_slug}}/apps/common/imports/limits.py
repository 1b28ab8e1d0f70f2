"""The limits of one import, read from settings when it runs."""

from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImportFileError


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int
    max_rows: int
    max_columns: int
    batch_size: int
    listed_errors: int

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        return cls(
            max_bytes=settings.IMPORTS_MAX_BYTES,
            max_rows=settings.IMPORTS_MAX_ROWS,
            max_columns=settings.IMPORTS_MAX_COLUMNS,
            batch_size=settings.IMPORTS_BATCH_SIZE,
            listed_errors=settings.IMPORTS_LISTED_ERRORS,
        )

    def check_bytes(self, size: int | None) -> None:
        if size is not None and size > self.max_bytes:
            raise ImportFileError(
                _("The file is larger than %(max)s bytes, the most one import takes; split it.")
                % {"max": f"{self.max_bytes:,}"},
                status_code=413,
            )

    def check_rows(self, rows: int) -> None:
        if rows > self.max_rows:
            raise ImportFileError(
                _("The file has more than %(max)s rows, the most one import takes; split it.")
                % {"max": f"{self.max_rows:,}"}
            )


def file_size(file: IO[bytes] | Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, 2)
        file.seek(position)
    return int(size)
