from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.missions.models import Mission, Reward

from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_reward_without_positive_points():
    with pytest.raises(IntegrityError), transaction.atomic():
        Reward.objects.create(name="Zero point reward", point=0)


def test_full_clean_reports_a_non_positive_point_on_the_point_field_once():
    reward = Reward(name="포인트 없음", point=-5)

    with pytest.raises(ValidationError) as caught:
        reward.full_clean()

    assert caught.value.message_dict == {"point": ["A reward's point must be more than 0."]}


def test_database_refuses_a_mission_that_ends_before_it_starts():
    reward = RewardFactory.create()
    starts_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mission.objects.create(
            title="Backwards", starts_at=starts_at, ends_at=starts_at, reward=reward
        )


def test_full_clean_reports_an_end_before_the_start_on_ends_at_once():
    starts_at = timezone.now()
    mission = MissionFactory.build(
        reward=RewardFactory.create(), starts_at=starts_at, ends_at=starts_at - timedelta(hours=1)
    )

    with pytest.raises(ValidationError) as caught:
        mission.full_clean()

    assert caught.value.message_dict == {"ends_at": ["A mission must end after it starts."]}


def test_a_valid_mission_passes_full_clean_and_its_constraints():
    mission = MissionFactory.build(reward=RewardFactory.create())

    mission.full_clean()
    mission.save()

    assert Mission.objects.filter(pk=mission.pk).exists()
