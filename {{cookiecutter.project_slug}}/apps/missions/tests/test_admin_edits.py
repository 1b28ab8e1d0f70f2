"""The admin's add and change forms save through mission_create and mission_update."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from apps.missions import admin as missions_admin
from apps.missions.models import Mission
from apps.users.tests.factories import StaffUserFactory

from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(StaffUserFactory.create(is_superuser=True))
    return client


def change_form_data(mission: Mission, **changes) -> dict:
    """The change form as a browser posts it: every field, with `changes` applied, and times
    to the second, as the admin's date and time inputs show them."""
    values = {
        "title": mission.title,
        "description": mission.description,
        "is_exposed": mission.is_exposed,
        "starts_at": mission.starts_at,
        "ends_at": mission.ends_at,
        "reward": mission.reward_id,
        **changes,
    }
    data = {key: value for key, value in values.items() if key not in {"starts_at", "ends_at"}}
    if not data["is_exposed"]:
        del data["is_exposed"]  # an unticked checkbox is not posted
    for name in ("starts_at", "ends_at"):
        local = timezone.localtime(values[name])
        data[f"{name}_0"] = local.date().isoformat()
        data[f"{name}_1"] = local.time().replace(microsecond=0).isoformat()
    return data


@pytest.fixture
def service_calls(monkeypatch) -> list[tuple[str, dict]]:
    """The admin's calls to the mission services (which still run)."""
    calls: list[tuple[str, dict]] = []
    for name in ("mission_create", "mission_update"):
        service = getattr(missions_admin, name)

        def recorded(*, _name=name, _service=service, **kwargs):
            calls.append((_name, kwargs))
            return _service(**kwargs)

        monkeypatch.setattr(missions_admin, name, recorded)
    return calls


def test_admin_edit_saves_only_the_changed_fields_through_mission_update(
    admin_client, service_calls
):
    mission = MissionFactory.create(title="Before")
    url = reverse("admin:missions_mission_change", args=[mission.pk])

    response = admin_client.post(url, change_form_data(mission, title="After"))

    assert response.status_code == 302
    [(name, kwargs)] = service_calls
    assert name == "mission_update"
    assert set(kwargs) == {"mission", "title"}
    assert (kwargs["mission"].pk, kwargs["title"]) == (mission.pk, "After")
    saved = Mission.objects.get(pk=mission.pk)
    # Fields the form did not change keep their stored value, to the microsecond.
    assert (saved.title, saved.description, saved.starts_at) == (
        "After",
        mission.description,
        mission.starts_at,
    )
    assert saved.updated_at > mission.updated_at


def test_admin_add_creates_through_mission_create_and_logs_the_new_row(admin_client, service_calls):
    reward = RewardFactory.create()
    starts_at = timezone.now().replace(microsecond=0)
    template = Mission(
        title="Added in the admin",
        description="",
        is_exposed=True,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=3),
        reward=reward,
    )

    response = admin_client.post(reverse("admin:missions_mission_add"), change_form_data(template))

    assert response.status_code == 302
    mission = Mission.objects.get()
    assert [name for name, _ in service_calls] == ["mission_create"]
    assert (mission.title, mission.reward, mission.starts_at) == (
        "Added in the admin",
        reward,
        starts_at,
    )
    assert LogEntry.objects.get().object_id == str(mission.pk)


def test_admin_edit_refuses_a_mission_that_ends_before_it_starts(admin_client):
    mission = MissionFactory.create()
    url = reverse("admin:missions_mission_change", args=[mission.pk])

    response = admin_client.post(
        url, change_form_data(mission, ends_at=mission.starts_at - timedelta(days=1))
    )

    assert response.status_code == 200
    assert "A mission must end after it starts." in response.content.decode()
    assert Mission.objects.get(pk=mission.pk).ends_at == mission.ends_at


def test_admin_numbers_follow_an_edit_in_the_admin(admin_client):
    first, second, third = MissionFactory.create_batch(3)  # listed newest first
    url = reverse("admin:missions_mission_change", args=[second.pk])

    admin_client.post(url, change_form_data(second, is_exposed=False))

    response = admin_client.get(reverse("admin:missions_mission_changelist"))
    rows = response.context["cl"].result_list
    assert [(m.pk, m.number) for m in rows] == [(third.pk, 1), (second.pk, None), (first.pk, 2)]
