"""Access records: append-only, hash-chained, verified, swept after their retention, and the
client address taken from the trusted proxies only."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from apps.common.access.chain import GENESIS, record_hash
from apps.common.access.client import AccessContext, client_address
from apps.common.access.models import AccessRecord, AccessRecordsAreAppendOnly
from apps.common.access.services import (
    access_records_delete_expired,
    access_records_verify,
    record_access,
)
from apps.common.tasks import delete_expired_access_records
from apps.users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def tamper(statement, params):
    """Change the table behind the ORM's back, as a database superuser may: with triggers off."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(statement, params)


def write(user=None, **fields):
    return record_access(
        action=fields.pop("action", AccessRecord.Action.STREAMED),
        context=AccessContext(user=user or UserFactory.create(), client_address="10.0.0.7"),
        export_name=fields.pop("export_name", "users"),
        **fields,
    )


def test_a_record_keeps_who_when_where_what_and_why():
    user = UserFactory.create(username="kim")

    record = write(
        user, params={"is_staff": "true"}, file_format="csv", row_count=12, reason="audit"
    )

    stored = AccessRecord.objects.get()
    assert (stored.user_id, stored.username, stored.client_address) == (user.pk, "kim", "10.0.0.7")
    assert (stored.export_name, stored.params, stored.row_count) == (
        "users",
        {"is_staff": "true"},
        12,
    )
    assert (stored.reason, stored.action, stored.file_format) == ("audit", "streamed", "csv")
    assert stored.record_hash == record.record_hash == record_hash(stored)
    assert stored.previous_hash == GENESIS


def test_each_record_is_chained_to_the_one_before():
    first, second, third = write(), write(), write()

    assert second.previous_hash == first.record_hash
    assert third.previous_hash == second.record_hash
    assert len({first.record_hash, second.record_hash, third.record_hash}) == 3


def test_the_orm_refuses_to_change_or_delete_a_record():
    record = write()
    record.reason = "changed"

    with pytest.raises(AccessRecordsAreAppendOnly):
        record.save()
    with pytest.raises(AccessRecordsAreAppendOnly):
        record.delete()
    with pytest.raises(AccessRecordsAreAppendOnly):
        AccessRecord.objects.filter(pk=record.pk).update(reason="changed")
    with pytest.raises(AccessRecordsAreAppendOnly):
        AccessRecord.objects.all().delete()
    with pytest.raises(AccessRecordsAreAppendOnly):
        AccessRecord.objects.bulk_create([AccessRecord(export_name="x")])
    assert AccessRecord.objects.get().reason == ""


def test_a_bad_reason_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationError) as error:
        write(reason="x" * 10_000)

    assert "reason" in error.value.detail
    assert not AccessRecord.objects.exists()


def test_verify_says_every_record_matches(capsys):
    write(), write()

    call_command("access_records_verify")

    assert capsys.readouterr().out.strip() == "All 2 access records match their hash chain."


def test_verify_names_a_record_whose_previous_record_is_gone():
    _, second, third = write(), write(), write()
    tamper("DELETE FROM common_accessrecord WHERE id = %s", [second.pk])

    check = access_records_verify()

    assert (check.first_mismatch, check.problem) == (third, "previous_hash")
    with pytest.raises(CommandError, match=f"Access record #{third.pk} "):
        call_command("access_records_verify")


def test_the_database_refuses_update_and_delete_outside_the_sweep(postgresql):
    """The trigger exists on PostgreSQL only."""
    record = write()

    for statement in (
        "UPDATE common_accessrecord SET reason = 'changed' WHERE id = %s",
        "DELETE FROM common_accessrecord WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [record.pk])
    assert AccessRecord.objects.get().reason == ""


def test_verify_names_the_record_changed_with_the_trigger_bypassed():
    """On PostgreSQL a superuser can switch the trigger off (session_replication_role); the
    chain still tells which record was changed."""
    _, second, _ = write(), write(row_count=5), write()
    tamper("UPDATE common_accessrecord SET row_count = 1 WHERE id = %s", [second.pk])

    check = access_records_verify()

    assert (check.first_mismatch, check.problem, check.checked) == (second, "hash", 2)
    with pytest.raises(CommandError, match=f"Access record #{second.pk} .* was changed"):
        call_command("access_records_verify")


def test_the_sweep_deletes_only_what_is_older_than_the_retention(settings, monkeypatch):
    settings.ACCESS_RECORDS_RETENTION = timedelta(days=730)
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now - timedelta(days=731))
    write()
    monkeypatch.setattr(timezone, "now", lambda: now - timedelta(days=729))
    kept = write()
    monkeypatch.undo()

    assert access_records_delete_expired(now=now) == 1

    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [kept.pk]
    assert access_records_verify().ok, "the records left still match their chain"


def test_the_beat_task_runs_the_sweep(settings):
    settings.ACCESS_RECORDS_RETENTION = timedelta(0)
    write()

    assert delete_expired_access_records.delay().get() == 1
    assert not AccessRecord.objects.exists()
    assert "delete-expired-access-records" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.1.1.1"),  # no proxy trusted: the header is not read
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote is left of it
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "not-an-address", "10.1.1.1"),
        (1, "203.0.113.9:4431", "10.1.1.1"),
        (2, "203.0.113.9", "10.1.1.1"),  # fewer entries than proxies: not through them all
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.ACCESS_RECORDS_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected
