"""The monthly review of access records (the command and the admin page), and the admin of the
records: read-only, with nothing to delete."""

from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.common.access.client import AccessContext
from apps.common.access.models import AccessRecord
from apps.common.access.services import record_access
from apps.users.tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

Action = AccessRecord.Action


@pytest.fixture
def november(monkeypatch):
    """Records of November 2026 (and one of October): two users' downloads and a link."""
    kim, lee = UserFactory.create(username="kim"), UserFactory.create(username="lee")
    when = {"now": datetime(2026, 11, 3, 9, tzinfo=timezone.get_default_timezone())}
    monkeypatch.setattr(timezone, "now", lambda: when["now"])

    def write(user, action, rows, reason, personal=True, unmasked=False):
        record_access(
            action=action,
            context=AccessContext(user=user),
            export_name="users",
            row_count=rows,
            reason=reason,
            personal_data=personal,
            unmasked=unmasked,
        )

    write(kim, Action.STREAMED, 10, "audit")
    write(kim, Action.JOB_STARTED, 500, "settlement", unmasked=True)
    write(kim, Action.LINK_ISSUED, 500, "settlement")
    write(lee, Action.ADMIN_STREAMED, 3, "refund check")
    write(lee, Action.STREAMED, 99, "", personal=False)  # no personal data: not reviewed
    when["now"] = datetime(2026, 10, 31, 23, tzinfo=timezone.get_default_timezone())
    write(lee, Action.STREAMED, 7, "october")
    monkeypatch.undo()
    return kim, lee


def test_the_report_lists_each_users_downloads_rows_and_reasons(november, capsys):
    kim, lee = november

    call_command("access_records_report", "--month", "2026-11")

    assert capsys.readouterr().out.splitlines() == [
        "Downloads of personal data in 2026-11: 2 users",
        f"kim (id {kim.pk}): 2 downloads, 510 rows, 1 unmasked, 1 links; "
        "reasons: audit / settlement",
        f"lee (id {lee.pk}): 1 downloads, 3 rows, 0 unmasked, 0 links; reasons: refund check",
    ]


@pytest.mark.parametrize("month", ["2026-13", "11-2026", "next month", ""])
def test_a_bad_month_is_one_clear_line(month):
    with pytest.raises(CommandError, match=r"write it as YYYY-MM, e\.g\. 2026-11"):
        call_command("access_records_report", "--month", month)


def test_the_admin_review_page_lists_the_same(november, client):
    client.force_login(StaffUserFactory.create(is_superuser=True))

    response = client.get("/admin/common/accessrecord/review/", {"month": "2026-11"})

    assert response.status_code == 200
    reviews = response.context["reviews"]
    assert [(r.username, r.downloads, r.rows, r.reasons) for r in reviews] == [
        ("kim", 2, 510, ["audit", "settlement"]),
        ("lee", 1, 3, ["refund check"]),
    ]
    assert "refund check" in response.content.decode()


def test_the_admin_review_page_says_when_the_month_is_not_one(client):
    client.force_login(StaffUserFactory.create(is_superuser=True))

    response = client.get("/admin/common/accessrecord/review/", {"month": "2026-99"})

    assert response.status_code == 200
    assert "2026-99 is not a month" in response.content.decode()


def test_the_review_page_needs_the_permission_to_view_records(client):
    client.force_login(StaffUserFactory.create())

    assert client.get("/admin/common/accessrecord/review/").status_code == 403


def test_the_records_admin_is_read_only_with_nothing_to_delete(november, client):
    client.force_login(StaffUserFactory.create(is_superuser=True))
    record = AccessRecord.objects.order_by("pk")[0]

    changelist = client.get("/admin/common/accessrecord/")
    change = client.get(f"/admin/common/accessrecord/{record.pk}/change/")
    delete = client.post(f"/admin/common/accessrecord/{record.pk}/delete/", {"post": "yes"})

    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert change.status_code == 200
    assert "_save" not in change.content.decode()
    assert delete.status_code == 403
    assert client.get("/admin/common/accessrecord/add/").status_code == 403
    assert AccessRecord.objects.filter(pk=record.pk).exists()
