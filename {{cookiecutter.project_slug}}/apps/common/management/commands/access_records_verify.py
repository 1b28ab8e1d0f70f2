"""Check the access records' hash chain: name the first record that does not match (exit 1)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.common.access.services import access_records_verify

PROBLEMS = {
    "hash": "its stored fields do not match its hash (it was changed)",
    "previous_hash": "its previous hash is not the hash of the record before it "
    "(a record was removed or changed)",
}


class Command(BaseCommand):
    help = "Recompute the access records' hash chain and name the first record that fails."

    def handle(self, *args: Any, **options: Any) -> None:
        check = access_records_verify()
        if check.first_mismatch is not None:
            record = check.first_mismatch
            raise CommandError(
                f"Access record #{record.pk} ({record.created_at:%Y-%m-%d %H:%M:%S %Z}) does not "
                f"match: {PROBLEMS[check.problem]}. {check.checked - 1} records before it match."
            )
        self.stdout.write(f"All {check.checked} access records match their hash chain.")
