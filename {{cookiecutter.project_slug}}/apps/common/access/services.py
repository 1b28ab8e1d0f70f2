"""Writing access records (`record_access`), checking their chain, and the retention sweep.

`record_access` is the one way a record is written: the export module calls it where a download,
a job, a link or an admin export happens, and an import's apply step calls it in the same
transaction that applies the rows (`action=AccessRecord.Action.IMPORT_APPLIED`).

Appends are serialised, so that each record chains to the one before it: on PostgreSQL by a
transaction-level advisory lock held from reading the last hash to the commit; SQLite (local
development) lets one writer at a time into the database anyway.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .chain import GENESIS, record_hash
from .client import AccessContext, valid_ip
from .models import AccessRecord
from .reasons import clean_reason

# pg_advisory_xact_lock's key for the chain: any constant no other code of the project uses.
CHAIN_LOCK_KEY = 0x61636365  # "acce"


def record_access(
    *,
    action: str,
    context: AccessContext,
    export_name: str,
    params: Mapping[str, Any] | None = None,
    file_format: str = "",
    row_count: int = 0,
    personal_data: bool = False,
    unmasked: bool = False,
    reason: str = "",
    export_job_id: int | None = None,
) -> AccessRecord:
    """Append one access record, chained to the last one; return it.

    `params` are the validated parameters of the export (or import), JSON-safe; the reason is
    checked again (a ValidationError for a bad one), and a client address that is not an IP
    address is stored as none.
    """
    user = context.user
    authenticated = user is not None and user.is_authenticated
    record = AccessRecord(
        created_at=timezone.now(),
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        client_address=valid_ip(context.client_address),
        action=action,
        export_name=export_name,
        export_job_id=export_job_id,
        params=dict(params or {}),
        file_format=file_format,
        row_count=row_count,
        personal_data=personal_data,
        unmasked=unmasked,
        reason=clean_reason(reason, required=False),
        request_id=context.request_id,
    )
    with transaction.atomic():
        _lock_chain()
        last = AccessRecord.objects.order_by("-pk").values_list("record_hash", flat=True).first()
        record.previous_hash = last or GENESIS
        # Values as the database gives them back (an IPv6 address's form), then the hash.
        record.full_clean(exclude=["record_hash"], validate_unique=False)
        record.record_hash = record_hash(record)
        record.save()
    return record


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of `access_records_verify`: records checked, and the first that failed."""

    checked: int
    first_mismatch: AccessRecord | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_mismatch is None


def access_records_verify() -> ChainCheck:
    """Recompute every record's hash, oldest first; stop at the first that does not match its
    hash or whose `previous_hash` is not the hash of the record before it (one was removed)."""
    previous: str | None = None
    checked = 0
    for record in AccessRecord.objects.order_by("pk").iterator(chunk_size=2000):
        checked += 1
        if previous is not None and record.previous_hash != previous:
            return ChainCheck(checked, record, "previous_hash")
        if record_hash(record) != record.record_hash:
            return ChainCheck(checked, record, "hash")
        previous = record.record_hash
    return ChainCheck(checked)


def access_records_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the records older than `ACCESS_RECORDS_RETENTION`, and only those; return how
    many. On PostgreSQL the transaction tells the trigger it is the sweep (`SET LOCAL`)."""
    cutoff = (now or timezone.now()) - settings.ACCESS_RECORDS_RETENTION
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL access_records.sweep = 'on'")
        return AccessRecord.objects.filter(created_at__lt=cutoff).sweep_delete()
