import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.common.exceptions import ApplicationError
from apps.missions.models import Mission
from apps.missions.services import (
    MISSION_BULK_MAX_SIZE,
    MissionBulkChange,
    mission_bulk_update,
    mission_update,
)

from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db


def stored(mission: Mission) -> Mission:
    return Mission.objects.get(pk=mission.pk)


def update_statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


# mission_update ------------------------------------------------------------------------------


def test_mission_update_writes_only_the_given_fields_and_a_new_version():
    mission = MissionFactory.create(title="Old title")

    with CaptureQueriesContext(connection) as queries:
        saved = mission_update(mission=mission, title="New title")

    [update] = update_statements(queries)
    assert '"title"' in update
    assert '"updated_at"' in update
    assert '"description"' not in update
    assert '"ends_at"' not in update
    assert stored(mission).title == "New title"
    assert saved.updated_at > mission.updated_at
    assert stored(mission).updated_at == saved.updated_at


def test_mission_update_keeps_a_change_someone_else_saved_to_another_field():
    mission = MissionFactory.create()
    Mission.objects.filter(pk=mission.pk).update(description="Written by someone else")

    mission_update(mission=mission, title="Mine")  # `mission` still holds the old description

    assert (stored(mission).title, stored(mission).description) == (
        "Mine",
        "Written by someone else",
    )


def test_mission_update_checks_the_rules_on_the_stored_row_with_the_changes():
    mission = MissionFactory.create()
    before = stored(mission)

    with pytest.raises(ValidationError) as caught:
        mission_update(mission=mission, ends_at=mission.starts_at - timedelta(hours=1))

    assert caught.value.message_dict == {"ends_at": ["A mission must end after it starts."]}
    assert stored(mission).ends_at == before.ends_at
    assert stored(mission).updated_at == before.updated_at


def test_mission_update_with_the_version_read_applies():
    mission = MissionFactory.create()

    saved = mission_update(
        mission=mission, expected_updated_at=mission.updated_at, is_exposed=False
    )

    assert stored(mission).is_exposed is False
    assert saved.updated_at > mission.updated_at


def test_mission_update_refuses_a_stale_version_with_412_and_saves_nothing():
    mission = MissionFactory.create(title="Read")
    read_version = mission.updated_at
    mission_update(mission=mission, title="Changed by someone else")

    with pytest.raises(ApplicationError) as caught:
        mission_update(mission=mission, expected_updated_at=read_version, title="Mine")

    assert caught.value.status_code == 412
    assert "changed after you read it" in caught.value.message
    assert "read it again" in caught.value.extra["updated_at"][0]
    assert stored(mission).title == "Changed by someone else"


def test_mission_update_of_a_deleted_mission_is_a_404():
    mission = MissionFactory.create()
    Mission.objects.filter(pk=mission.pk).delete()

    with pytest.raises(ApplicationError) as caught:
        mission_update(mission=mission, title="Too late")

    assert caught.value.status_code == 404


# mission_bulk_update -------------------------------------------------------------------------


def test_bulk_update_changes_every_item_with_one_update_and_leaves_the_rest_alone():
    missions = MissionFactory.create_batch(4)
    untouched = stored(missions[3])
    new_reward = RewardFactory.create()
    items: list[MissionBulkChange] = [
        {"id": missions[0].pk, "title": "Renamed"},
        {"id": missions[1].pk, "is_exposed": False, "reward_id": new_reward.pk},
        {"id": missions[2].pk, "ends_at": missions[2].ends_at + timedelta(days=3)},
    ]

    with CaptureQueriesContext(connection) as queries:
        saved = mission_bulk_update(items=items)

    assert len(update_statements(queries)) == 1
    assert [mission.pk for mission in saved] == [item["id"] for item in items]
    assert stored(missions[0]).title == "Renamed"
    assert stored(missions[1]).is_exposed is False
    assert stored(missions[1]).reward == new_reward
    assert stored(missions[2]).ends_at == missions[2].ends_at + timedelta(days=3)
    assert all(stored(m).updated_at > m.updated_at for m in missions[:3])
    assert stored(missions[3]).updated_at == untouched.updated_at


def test_bulk_update_of_a_full_batch_sends_one_update_statement():
    missions = MissionFactory.create_batch(MISSION_BULK_MAX_SIZE)
    items: list[MissionBulkChange] = [
        {"id": m.pk, "title": f"Batch {index}"} for index, m in enumerate(missions)
    ]

    with CaptureQueriesContext(connection) as queries:
        mission_bulk_update(items=items)

    assert len(update_statements(queries)) == 1
    assert sorted(Mission.objects.values_list("title", flat=True)) == sorted(
        f"Batch {index}" for index in range(MISSION_BULK_MAX_SIZE)
    )


def test_bulk_update_locks_the_rows_before_reading_them_where_the_database_can():
    """PostgreSQL locks the rows (`FOR UPDATE`); SQLite has no row locks (it locks the whole
    database for the transaction) and Django leaves the clause out there."""
    missions = MissionFactory.create_batch(2)

    with CaptureQueriesContext(connection) as queries:
        items: list[MissionBulkChange] = [{"id": m.pk, "title": "Locked"} for m in missions]
        mission_bulk_update(items=items)

    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    locked = any("FOR UPDATE" in sql and "missions_mission" in sql for sql in selects)
    assert locked == connection.features.has_select_for_update


def test_bulk_update_reports_every_bad_item_by_index_and_saves_nothing():
    missions = MissionFactory.create_batch(3)
    before = [stored(m) for m in missions]
    items: list[MissionBulkChange] = [
        {"id": missions[0].pk, "title": "Valid, but not saved"},
        {"id": 999_999, "title": "Unknown id"},
        {"id": missions[0].pk, "title": "Same mission again"},
        {"id": missions[1].pk, "ends_at": missions[1].starts_at},
        {"id": missions[2].pk, "reward_id": 999_999},
    ]

    with pytest.raises(ApplicationError) as caught:
        mission_bulk_update(items=items)

    assert caught.value.status_code == 400
    assert caught.value.extra == {
        "1": {"id": ["There is no mission with id 999999."]},
        "2": {"id": [f"Mission {missions[0].pk} is already item 0; send each mission once."]},
        "3": {"ends_at": ["A mission must end after it starts."]},
        "4": {"reward": ["There is no reward with id 999999."]},
    }
    assert [stored(m).title for m in missions] == [m.title for m in before]
    assert [stored(m).updated_at for m in missions] == [m.updated_at for m in before]


def test_bulk_update_with_a_stale_item_is_a_409_naming_it_and_saves_nothing():
    fresh, changed = MissionFactory.create_batch(2)
    read_version = changed.updated_at
    mission_update(mission=changed, title="Changed by someone else")
    items: list[MissionBulkChange] = [
        {"id": fresh.pk, "updated_at": fresh.updated_at, "title": "Mine"},
        {"id": changed.pk, "updated_at": read_version, "title": "Mine too"},
    ]

    with pytest.raises(ApplicationError) as caught:
        mission_bulk_update(items=items)

    assert caught.value.status_code == 409
    assert list(caught.value.extra) == ["1"]
    assert "read it again" in caught.value.extra["1"]["updated_at"][0]
    assert stored(fresh).title == fresh.title
    assert stored(changed).title == "Changed by someone else"


def test_a_stale_item_makes_a_409_even_when_other_items_are_invalid():
    """The client must read the stale rows again before its other changes mean anything."""
    stale, other = MissionFactory.create_batch(2)
    read_version = stale.updated_at
    mission_update(mission=stale, title="Changed by someone else")
    items: list[MissionBulkChange] = [
        {"id": stale.pk, "updated_at": read_version, "title": "Mine"},
        {"id": other.pk, "ends_at": other.starts_at},
    ]

    with pytest.raises(ApplicationError) as caught:
        mission_bulk_update(items=items)

    assert caught.value.status_code == 409
    assert list(caught.value.extra) == ["0"]
    assert stored(other).ends_at == other.ends_at


def test_bulk_update_with_current_versions_applies():
    missions = MissionFactory.create_batch(2)

    items: list[MissionBulkChange] = [
        {"id": m.pk, "updated_at": m.updated_at, "is_exposed": False} for m in missions
    ]
    mission_bulk_update(items=items)

    assert not Mission.objects.filter(is_exposed=True).exists()


@pytest.mark.parametrize(
    ("size", "message"),
    [(0, "Send at least one mission."), (MISSION_BULK_MAX_SIZE + 1, "A batch holds at most")],
)
def test_bulk_update_refuses_an_empty_or_oversized_batch(size, message):
    mission = MissionFactory.create()
    items: list[MissionBulkChange] = [{"id": mission.pk, "title": "x"}] * size

    with pytest.raises(ApplicationError, match=re.escape(message)):
        mission_bulk_update(items=items)

    assert stored(mission).title == mission.title
