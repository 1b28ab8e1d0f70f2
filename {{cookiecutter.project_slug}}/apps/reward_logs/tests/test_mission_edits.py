"""A mission edit (API, bulk or admin) changes no reward log: a log keeps the reward and the
point it was written with. So the cached totals and the paid-totals columns stay right, and a
mission edit has nothing to invalidate."""

from typing import Any

import pytest
from django.core.cache import cache

from apps.missions.models import Mission
from apps.missions.services import mission_bulk_update, mission_update
from apps.missions.tests.factories import MissionFactory, RewardFactory
from apps.reward_logs.selectors import mission_reward_totals, reward_log_paid_totals

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db


def uncached_totals(mission: Mission) -> dict:
    cache.clear()
    return mission_reward_totals(mission_id=mission.pk)


def paid_totals(mission: Mission) -> tuple[int, int]:
    # The annotations are unknown to the type checker, hence Any.
    row: Any = Mission.objects.annotate(**reward_log_paid_totals(per="mission")).get(pk=mission.pk)
    return row.paid_count, row.paid_point


def test_cached_and_paid_totals_stay_right_after_a_mission_moves_to_another_reward():
    mission = MissionFactory.create(reward__point=100)
    MissionRewardLogFactory.create_batch(2, mission=mission, paid=True)
    MissionRewardLogFactory.create(mission=mission)
    cached = mission_reward_totals(mission_id=mission.pk)  # now in the cache

    mission_update(mission=mission, reward=RewardFactory.create(point=5_000), title="Renamed")
    mission_bulk_update(items=[{"id": mission.pk, "reward_id": RewardFactory.create(point=7).pk}])

    assert mission_reward_totals(mission_id=mission.pk) == cached == uncached_totals(mission)
    assert cached["paid"] == {"count": 2, "point": 200}
    assert paid_totals(mission) == (2, 200)
