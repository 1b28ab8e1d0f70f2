import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.reward_logs.models import MissionRewardLog

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


def test_the_factory_makes_valid_logs_in_every_state():
    for reward_log in (
        MissionRewardLogFactory.create(),
        MissionRewardLogFactory.create(paid=True),
        MissionRewardLogFactory.create(cancelled=True),
    ):
        reward_log.full_clean()
        assert reward_log.point == reward_log.mission.reward.point
