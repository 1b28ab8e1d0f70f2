import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from apps.missions.models import Mission, Reward
from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog
from apps.reward_logs.seeding import reward_logs_seed
from apps.reward_logs.selectors import mission_reward_totals

pytestmark = pytest.mark.django_db


def test_seed_creates_the_requested_rows_and_a_second_run_adds_nothing():
    first = reward_logs_seed(logs=300, users=10, missions=6, days=5, batch_size=64)
    second = reward_logs_seed(logs=300, users=10, missions=6, days=5, batch_size=64)

    assert (first.logs_created, first.logs_total) == (300, 300)
    assert (second.logs_created, second.logs_total) == (0, 300)
    assert MissionRewardLog.objects.count() == 300
    assert Mission.objects.count() == 6
    assert get_user_model().objects.filter(username__startswith="demo_user_").count() == 10
    assert Reward.objects.count() == first.rewards == second.rewards


def test_seed_tops_up_to_the_requested_number_of_logs():
    reward_logs_seed(logs=50, users=5, missions=3)

    result = reward_logs_seed(logs=120, users=5, missions=3)

    assert (result.logs_created, result.logs_total) == (70, 120)


def test_seeded_logs_are_valid_and_spread_over_the_days():
    reward_logs_seed(logs=200, users=5, missions=4, days=10)

    days = {log.created_at.date() for log in MissionRewardLog.objects.all()}
    assert 9 <= len(days) <= 11
    for reward_log in MissionRewardLog.objects.select_related("mission__reward", "user"):
        reward_log.full_clean()
        assert reward_log.reward_id == reward_log.mission.reward_id
        assert reward_log.point == reward_log.mission.reward.point
        assert (reward_log.paid_at is not None) == (reward_log.status == "paid")
    statuses = set(MissionRewardLog.objects.values_list("status", flat=True))
    assert statuses == {"paid", "pending", "cancelled"}


def test_seeding_drops_cached_totals_of_the_seeded_missions(django_capture_on_commit_callbacks):
    reward_logs_seed(logs=0, users=1, missions=2)
    mission = Mission.objects.earliest("pk")
    assert mission_reward_totals(mission_id=mission.pk)["paid"]["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        reward_logs_seed(logs=100, users=1, missions=2)

    expected = MissionRewardLog.objects.filter(mission=mission, status="paid").count()
    assert expected > 0
    assert mission_reward_totals(mission_id=mission.pk)["paid"]["count"] == expected


def test_seed_leaves_other_missions_alone():
    own = MissionFactory.create(title="운영팀이 만든 미션")

    reward_logs_seed(logs=10, users=2, missions=2)

    assert Mission.objects.filter(pk=own.pk).exists()
    assert not MissionRewardLog.objects.filter(mission=own).exists()


def test_seed_demo_data_command(capsys):
    call_command("seed_demo_data", "--logs", "40", "--users", "3", "--missions", "2")
    call_command("seed_demo_data", "--logs", "40", "--users", "3", "--missions", "2")

    output = capsys.readouterr().out
    assert "40 reward logs created (40 in all)" in output
    assert "0 reward logs created (40 in all)" in output
    assert MissionRewardLog.objects.count() == 40


def test_seed_demo_data_refuses_bad_numbers():
    with pytest.raises(CommandError, match="must not be negative"):
        call_command("seed_demo_data", "--logs", "-1")
    with pytest.raises(CommandError, match="need at least one user"):
        call_command("seed_demo_data", "--logs", "5", "--users", "0")
