"""The hash chain of access records: SHA-256 over a record's canonical JSON and the previous hash.

A record's hash covers every field it stores but its id (assigned by the database after the hash
is computed) and the hash itself. Changing any stored value, or removing a record from the middle
of the chain, leaves a record whose hash or `previous_hash` no longer matches: see
`services.access_records_verify`. The first record of the chain starts from `GENESIS`; after a
retention sweep the oldest remaining record's `previous_hash` names a record that was swept.
"""

import hashlib
import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import AccessRecord

GENESIS = "0" * 64

HASHED_FIELDS = (
    "created_at",
    "user_id",
    "username",
    "client_address",
    "action",
    "export_name",
    "export_job_id",
    "params",
    "file_format",
    "row_count",
    "personal_data",
    "unmasked",
    "reason",
    "request_id",
    "previous_hash",
)


def canonical_json(record: "AccessRecord") -> str:
    """The record's hashed fields as JSON with sorted keys and no spaces; datetimes in UTC."""
    payload: dict[str, Any] = {name: getattr(record, name) for name in HASHED_FIELDS}
    payload["created_at"] = record.created_at.astimezone(UTC).isoformat()
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(record: "AccessRecord") -> str:
    """The record's hash: SHA-256 of its canonical JSON, which includes `previous_hash`."""
    return hashlib.sha256(canonical_json(record).encode()).hexdigest()
