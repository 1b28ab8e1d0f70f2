"""What an import found or did: counts, the changed rows with their fields, and the errors."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import RowErrors


@dataclass
class ImportResult:
    """`applied` is False for a preview. Rows are the file's data rows (blank ones skipped);
    each is new, changed, unchanged or failed (with errors or in conflict)."""

    name: str
    format: str
    encoding: str | None
    applied: bool
    errors: RowErrors
    conflicts: RowErrors
    changes_limit: int
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    changed_fields: Counter[str] = field(default_factory=Counter)  # by the file's header
    changes: list[dict[str, Any]] = field(default_factory=list)  # the first changed rows

    @property
    def failed(self) -> int:
        return self.errors.rows + self.conflicts.rows

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts

    def note_change(self, row: int, key: Any, headers: list[str]) -> None:
        self.changed += 1
        self.changed_fields.update(headers)
        if len(self.changes) < self.changes_limit:
            self.changes.append({"row": row, "id": key, "fields": headers})

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "encoding": self.encoding,
            "applied": self.applied,
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "changed_fields": dict(self.changed_fields),
            "changes": self.changes,
            "errors": self.errors.as_list(),
            "errors_total": self.errors.total,
            "conflicts": self.conflicts.as_list(),
            "conflicts_total": self.conflicts.total,
        }
