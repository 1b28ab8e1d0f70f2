from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.common.exceptions import ApplicationError
from apps.missions.models import Mission, Reward
from apps.missions.services import (
    MISSION_BULK_MAX_SIZE,
    MissionData,
    mission_bulk_create,
    mission_create,
)

from .factories import RewardFactory

pytestmark = pytest.mark.django_db


def mission_data(reward: Reward, index: int = 0) -> MissionData:
    starts_at = timezone.now()
    return {
        "title": f"출석 미션 {index}",
        "description": "Check in every day.",
        "is_exposed": True,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(days=7),
        "reward": reward,
    }


def test_mission_create_saves_a_valid_mission():
    reward = RewardFactory.create()

    mission = mission_create(**mission_data(reward))

    assert Mission.objects.get(pk=mission.pk).reward == reward


def test_mission_create_refuses_an_invalid_mission_and_saves_nothing():
    data = mission_data(RewardFactory.create())
    data["ends_at"] = data["starts_at"]

    with pytest.raises(ValidationError) as caught:
        mission_create(**data)

    assert "ends_at" in caught.value.message_dict
    assert not Mission.objects.exists()


def test_bulk_create_inserts_every_mission_with_one_insert_statement():
    reward = RewardFactory.create()
    items = [mission_data(reward, index) for index in range(5)]

    with CaptureQueriesContext(connection) as queries:
        missions = mission_bulk_create(items=items)

    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert [m.title for m in missions] == [f"출석 미션 {index}" for index in range(5)]
    assert Mission.objects.count() == 5


def test_bulk_create_with_one_invalid_item_saves_nothing_and_names_its_index():
    reward = RewardFactory.create()
    items = [mission_data(reward, index) for index in range(3)]
    items[1]["ends_at"] = items[1]["starts_at"] - timedelta(days=1)

    with pytest.raises(ApplicationError) as caught:
        mission_bulk_create(items=items)

    assert caught.value.extra == {"1": {"ends_at": ["A mission must end after it starts."]}}
    assert not Mission.objects.exists()


def test_bulk_create_refuses_more_than_the_batch_maximum():
    reward = RewardFactory.create()
    items = [mission_data(reward, index) for index in range(MISSION_BULK_MAX_SIZE + 1)]

    with pytest.raises(ApplicationError, match=f"at most {MISSION_BULK_MAX_SIZE}"):
        mission_bulk_create(items=items)

    assert not Mission.objects.exists()


def test_bulk_create_refuses_an_empty_batch():
    with pytest.raises(ApplicationError, match="at least one"):
        mission_bulk_create(items=[])
