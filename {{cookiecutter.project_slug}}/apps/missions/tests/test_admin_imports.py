"""The missions admin's import: upload, preview (nothing written), confirm (all written)."""

import re
import tempfile

import pytest
from django.urls import reverse

from apps.common.access.models import AccessRecord
from apps.missions.models import Mission
from apps.users.tests.factories import StaffUserFactory

from .factories import MissionFactory, RewardFactory
from .import_helpers import csv_file, exported_rows

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:missions_mission_changelist")
IMPORT = reverse("admin:missions_mission_import")
CONFIRM = reverse("admin:missions_mission_import_confirm")
HEADER = ["title", "is_exposed", "starts_at", "ends_at", "reward"]


@pytest.fixture(autouse=True)
def temporary_disk(tmp_path, monkeypatch):
    """The previewed files go to this test's folder, not the machine's temporary one."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.fixture
def admin_client(client):
    client.force_login(StaffUserFactory.create(is_superuser=True))
    return client


def _token(response) -> str:
    match = re.search(rb'name="token" value="([^"]+)"', response.content)
    assert match, "no confirm form"
    return match.group(1).decode()


def test_the_list_links_the_import_and_the_upload_page_has_its_form(admin_client):
    assert IMPORT.encode() in admin_client.get(CHANGELIST).content
    response = admin_client.get(IMPORT)
    assert response.status_code == 200
    assert b'id="import-form"' in response.content


def test_preview_then_confirm(admin_client, staff_client):
    missions = [MissionFactory.create() for _ in range(3)]
    rows = exported_rows(staff_client, reverse("mission-export"), language="en")
    rows[1][rows[0].index("title")] = "고친 제목"
    rows.append(
        [
            "",
            "새 미션",
            "Y",
            "2026-01-01 09:00:00",
            "2026-02-01 09:00:00",
            missions[0].reward.name,
            "-",
            "-",
            "-",
        ]
    )

    preview = admin_client.post(IMPORT, {"file": csv_file(rows)})

    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result["new"], result["changed"], result["unchanged"], result["failed"]) == (1, 1, 2, 0)
    assert Mission.objects.count() == 3
    assert not Mission.objects.filter(title="고친 제목").exists()
    assert not AccessRecord.objects.filter(action=AccessRecord.Action.IMPORT_APPLIED).exists()

    confirmed = admin_client.post(CONFIRM, {"token": _token(preview), "file_name": "m.csv"})

    assert (confirmed.status_code, confirmed.url) == (302, CHANGELIST)
    assert Mission.objects.count() == 4
    applied = AccessRecord.objects.filter(action=AccessRecord.Action.IMPORT_APPLIED)
    assert list(applied.values_list("export_name", "row_count")) == [("missions", 4)]
    assert Mission.objects.get(pk=missions[0].pk).title == "고친 제목"
    # The kept file went with the confirm: a second confirm has nothing to import.
    again = admin_client.post(CONFIRM, {"token": _token(preview), "file_name": "m.csv"})
    assert (again.status_code, again.url) == (302, IMPORT)
    assert Mission.objects.count() == 4


def test_a_preview_with_errors_lists_them_and_offers_no_confirm(admin_client):
    reward = RewardFactory.create()
    rows = [
        HEADER,
        ["ok", "Y", "2026-01-01 09:00:00", "2026-02-01 09:00:00", reward.name],
        ["bad", "maybe", "2026-01-01 09:00:00", "2026-02-01 09:00:00", "nobody"],
    ]

    response = admin_client.post(IMPORT, {"file": csv_file(rows)})

    assert response.status_code == 200
    assert b'name="token"' not in response.content
    errors = {(e["row"], e["column"]) for e in response.context["result"]["errors"]}
    assert errors == {(3, "is_exposed"), (3, "reward")}
    assert not Mission.objects.exists()


def test_a_row_changed_between_preview_and_confirm_writes_nothing(admin_client, staff_client):
    missions = [MissionFactory.create() for _ in range(2)]
    rows = exported_rows(staff_client, reverse("mission-export"), language="en")
    rows[1][rows[0].index("title")] = "내 수정"
    token = _token(admin_client.post(IMPORT, {"file": csv_file(rows)}))
    edited = Mission.objects.get(pk=missions[0].pk)
    edited.description = "someone else's edit"
    edited.save()  # save() moves updated_at, as every service's write does
    MissionFactory.create()  # touches nothing of the file

    response = admin_client.post(CONFIRM, {"token": token, "file_name": "m.csv"})

    assert response.status_code == 200
    assert [c["row"] for c in response.context["result"]["conflicts"]] == [2]
    assert Mission.objects.get(pk=missions[0].pk).title != "내 수정"


def test_an_unreadable_file_is_a_message_on_the_form(admin_client):
    response = admin_client.post(IMPORT, {"file": csv_file([HEADER])})
    assert response.status_code == 200
    assert "header row only" in str(response.context["form"].errors["file"])


def test_a_token_of_another_user_or_made_up_is_refused(admin_client, client, staff_client):
    MissionFactory.create()
    rows = exported_rows(staff_client, reverse("mission-export"), language="en")
    token = _token(admin_client.post(IMPORT, {"file": csv_file(rows)}))
    other = StaffUserFactory.create(is_superuser=True)
    client.force_login(other)

    for made_up in (token, "../../etc/passwd", "x" * 32 + ".csv"):
        response = client.post(CONFIRM, {"token": made_up})
        assert (response.status_code, response.url) == (302, IMPORT)


def test_staff_without_the_add_and_change_permissions_cannot_import(client):
    client.force_login(StaffUserFactory.create())
    assert client.get(IMPORT).status_code == 403


def test_a_new_preview_replaces_the_users_waiting_one(admin_client, staff_client, temporary_disk):
    MissionFactory.create()
    rows = exported_rows(staff_client, reverse("mission-export"), language="en")
    first = _token(admin_client.post(IMPORT, {"file": csv_file(rows)}))
    second = _token(admin_client.post(IMPORT, {"file": csv_file(rows)}))

    assert [path.name for path in temporary_disk.rglob("*.csv")] == [second]
    response = admin_client.post(CONFIRM, {"token": first})
    assert (response.status_code, response.url) == (302, IMPORT)
