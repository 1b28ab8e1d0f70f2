import pytest
from django.core.cache import cache

from apps.common.cache_keys import CacheKey
from apps.common.exceptions import ApplicationError
from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog
from apps.reward_logs.selectors import mission_reward_totals
from apps.reward_logs.services import reward_log_cancel, reward_log_create, reward_log_pay
from apps.users.tests.factories import UserFactory

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db


def test_create_copies_the_reward_and_its_current_point():
    mission = MissionFactory.create(reward__point=700)

    reward_log = reward_log_create(user=UserFactory.create(), mission=mission, memo="첫 참여")

    assert reward_log.status == MissionRewardLog.Status.PENDING
    assert (reward_log.reward, reward_log.point) == (mission.reward, 700)
    mission.reward.point = 900
    mission.reward.save()
    reward_log.refresh_from_db()
    assert reward_log.point == 700


def test_pay_marks_a_pending_log_paid_with_its_time():
    reward_log = MissionRewardLogFactory.create()

    paid = reward_log_pay(reward_log=reward_log)

    paid.refresh_from_db()
    assert paid.status == MissionRewardLog.Status.PAID
    assert paid.paid_at is not None


@pytest.mark.parametrize("service", [reward_log_pay, reward_log_cancel])
@pytest.mark.parametrize("state", ["paid", "cancelled"])
def test_only_a_pending_log_can_be_paid_or_cancelled(service, state):
    reward_log = MissionRewardLogFactory.create(**{state: True})

    with pytest.raises(ApplicationError, match="only a pending one"):
        service(reward_log=reward_log)

    reward_log.refresh_from_db()
    assert reward_log.status == state


def test_cancel_keeps_the_reason_in_the_memo():
    reward_log = MissionRewardLogFactory.create()

    reward_log_cancel(reward_log=reward_log, memo="중복 참여로 취소")

    reward_log.refresh_from_db()
    assert (reward_log.status, reward_log.memo) == ("cancelled", "중복 참여로 취소")


# Cache invalidation: a cached total is never served after a committed write ----------------


def write_create(mission):
    reward_log_create(user=UserFactory.create(), mission=mission)


def write_pay(mission):
    reward_log_pay(reward_log=mission.reward_logs.get())


def write_cancel(mission):
    reward_log_cancel(reward_log=mission.reward_logs.get())


@pytest.mark.parametrize("write", [write_create, write_pay, write_cancel])
def test_a_committed_write_is_visible_in_the_next_read_of_the_totals(
    write, django_capture_on_commit_callbacks
):
    mission = MissionFactory.create()
    MissionRewardLogFactory.create(mission=mission)
    before = mission_reward_totals(mission_id=mission.pk)  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        write(mission)

    after = mission_reward_totals(mission_id=mission.pk)
    assert after != before
    expected = {status: {"count": 0, "point": 0} for status in MissionRewardLog.Status.values}
    for reward_log in mission.reward_logs.all():
        expected[reward_log.status]["count"] += 1
        expected[reward_log.status]["point"] += reward_log.point
    assert after == expected


def test_the_cached_totals_are_dropped_only_when_the_write_commits(
    django_capture_on_commit_callbacks,
):
    mission = MissionFactory.create()
    mission_reward_totals(mission_id=mission.pk)
    key = CacheKey.MISSION_REWARD_TOTALS.key(mission.pk)

    with django_capture_on_commit_callbacks() as callbacks:
        reward_log_create(user=UserFactory.create(), mission=mission)
        # Not committed yet: a reader still sees the committed state, and so does the cache.
        assert cache.get(key) is not None

    assert len(callbacks) == 1
    callbacks[0]()
    assert cache.get(key) is None


def test_writes_to_one_mission_leave_the_others_cached(django_capture_on_commit_callbacks):
    written, other = MissionFactory.create(), MissionFactory.create()
    mission_reward_totals(mission_id=other.pk)

    with django_capture_on_commit_callbacks(execute=True):
        reward_log_create(user=UserFactory.create(), mission=written)

    assert cache.get(CacheKey.MISSION_REWARD_TOTALS.key(other.pk)) is not None
