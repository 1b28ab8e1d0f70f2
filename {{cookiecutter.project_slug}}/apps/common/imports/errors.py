"""What went wrong, by the file's row number and column header: a capped list and the total."""

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from apps.common.exceptions import ApplicationError


class ImportFileError(ApplicationError):
    """The file as a whole cannot be imported (its format, encoding, header or size): 400, or
    413 for too many bytes. The message says what to fix."""

    def __init__(
        self,
        message: str,
        *,
        extra: dict[str, Any] | None = None,
        status_code: int = HTTPStatus.BAD_REQUEST,
    ) -> None:
        super().__init__(message, extra=extra, status_code=status_code)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None  # the file's header; None for the row as a whole
    messages: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "messages": list(self.messages)}


@dataclass
class RowErrors:
    """Errors of the rows, the first `limit` kept; every one counted."""

    limit: int
    listed: list[RowError] = field(default_factory=list)
    total: int = 0
    rows: int = 0  # rows with at least one error

    def add_row(self, row: int, errors: dict[str | None, list[str]]) -> None:
        if not errors:
            return
        self.rows += 1
        for column, messages in errors.items():
            self.total += 1
            if len(self.listed) < self.limit:
                self.listed.append(RowError(row, column, tuple(str(m) for m in messages)))

    def __bool__(self) -> bool:
        return self.total > 0

    def as_list(self) -> list[dict[str, Any]]:
        return [error.as_dict() for error in self.listed]
