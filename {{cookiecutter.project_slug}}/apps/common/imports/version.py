"""The version column: the instant a row last changed, written so that it reads back exactly.

The export's datetimes are wall-clock seconds, which cannot tell two changes in one second
apart; the version column is the stored `updated_at` itself, ISO 8601 in UTC with microseconds,
text in CSV and XLSX alike (an XLSX date cell would keep milliseconds only). An import compares
it with the row's `updated_at`: a row changed since the export is a conflict, not an update.

    # the export's serializer
    updated_at = VersionField(source="updated_at", label=_("version"))
"""

from datetime import UTC, datetime
from typing import Any

from rest_framework import serializers


class VersionField(serializers.Field):
    """Read-only: an aware datetime as `2026-12-04T11:10:00.123456+00:00`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: datetime) -> str:
        return version_text(value)


def version_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def parse_version(text: Any) -> datetime | None:
    """The instant a version cell names, or None when it names none."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else None
