from datetime import timedelta

import pytest
from django.core.cache import cache

from apps.common.cache_keys import CacheKey
from apps.missions.models import Mission
from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog
from apps.reward_logs.selectors import (
    mission_reward_totals,
    reward_log_list,
    reward_log_paid_totals,
)

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db


def test_reward_log_list_is_newest_first_with_the_id_breaking_ties():
    older = MissionRewardLogFactory.create()
    tie_low, tie_high = MissionRewardLogFactory.create_batch(2)
    MissionRewardLog.objects.filter(pk=older.pk).update(
        created_at=tie_low.created_at - timedelta(days=1)
    )
    MissionRewardLog.objects.filter(pk=tie_high.pk).update(created_at=tie_low.created_at)

    assert [log.pk for log in reward_log_list()] == [tie_high.pk, tie_low.pk, older.pk]


def test_reward_log_list_reads_user_mission_and_reward_in_one_query(django_assert_num_queries):
    MissionRewardLogFactory.create_batch(3)

    with django_assert_num_queries(1):
        rows = [(log.user.username, log.mission.title, log.reward) for log in reward_log_list()]

    assert len(rows) == 3


def test_mission_reward_totals_count_and_sum_per_status():
    mission = MissionFactory.create(reward__point=100)
    MissionRewardLogFactory.create_batch(2, mission=mission, paid=True)
    MissionRewardLogFactory.create(mission=mission)
    MissionRewardLogFactory.create(paid=True)  # another mission

    assert mission_reward_totals(mission_id=mission.pk) == {
        "pending": {"count": 1, "point": 100},
        "paid": {"count": 2, "point": 200},
        "cancelled": {"count": 0, "point": 0},
    }


def test_mission_reward_totals_are_served_from_the_cache_after_the_first_read(
    django_assert_num_queries,
):
    mission = MissionFactory.create()
    MissionRewardLogFactory.create(mission=mission, paid=True)

    first = mission_reward_totals(mission_id=mission.pk)
    with django_assert_num_queries(0):
        again = mission_reward_totals(mission_id=mission.pk)

    assert again == first
    assert cache.get(CacheKey.MISSION_REWARD_TOTALS.key(mission.pk)) == first


def test_paid_totals_annotate_each_mission_without_joining():
    busy, idle = MissionFactory.create(reward__point=300), MissionFactory.create()
    MissionRewardLogFactory.create_batch(2, mission=busy, paid=True)
    MissionRewardLogFactory.create(mission=busy, cancelled=True)

    rows = Mission.objects.annotate(**reward_log_paid_totals(per="mission")).order_by("pk")

    # The stubs cannot follow annotations built from a dict (`**reward_log_paid_totals()`).
    assert [(m.pk, m.paid_count, m.paid_point) for m in rows] == [  # type: ignore[attr-defined]
        (busy.pk, 2, 600),
        (idle.pk, 0, 0),
    ]
