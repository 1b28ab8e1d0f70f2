import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog
from apps.users.tests.factories import UserFactory

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_log_without_positive_points():
    reward_log = MissionRewardLogFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        MissionRewardLog.objects.filter(pk=reward_log.pk).update(point=0)


def test_database_refuses_a_paid_log_without_its_payment_time():
    reward_log = MissionRewardLogFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        MissionRewardLog.objects.filter(pk=reward_log.pk).update(status="paid", paid_at=None)


def test_full_clean_reports_each_rule_on_its_field_once():
    reward_log = MissionRewardLogFactory.create()
    reward_log.point = 0
    reward_log.status = MissionRewardLog.Status.PAID

    with pytest.raises(ValidationError) as caught:
        reward_log.full_clean()

    assert caught.value.message_dict == {
        "point": ["A reward log's point must be more than 0."],
        "paid_at": ["A paid reward log needs the time it was paid."],
    }


@pytest.mark.parametrize(
    ("status", "paid"),
    [
        (MissionRewardLog.Status.PENDING, False),
        (MissionRewardLog.Status.PAID, True),
        (MissionRewardLog.Status.CANCELLED, False),
    ],
)
def test_every_status_is_valid_with_its_rules_kept(status, paid):
    mission = MissionFactory.create()
    reward_log = MissionRewardLog(
        user=UserFactory.create(),
        mission=mission,
        reward=mission.reward,
        point=mission.reward.point,
        status=status,
        paid_at=timezone.now() if paid else None,
    )

    reward_log.full_clean()
    reward_log.save()

    assert MissionRewardLog.objects.get(pk=reward_log.pk).status == status
