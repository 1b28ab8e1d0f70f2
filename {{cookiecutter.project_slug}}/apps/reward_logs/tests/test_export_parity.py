"""The reward-log export is the reward-log list as a file, for each of its filters."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.tests.export_parity import assert_export_is_the_list
from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db


def test_the_export_is_the_list_for_each_filter(staff_user, s3, django_capture_on_commit_callbacks):
    missions = MissionFactory.create_batch(2)
    states = [{}, {"paid": True}, {"cancelled": True}]
    for index in range(6):
        log = MissionRewardLogFactory.create(mission=missions[index % 2], **states[index % 3])
        MissionRewardLog.objects.filter(pk=log.pk).update(
            created_at=timezone.now() - timedelta(days=index)
        )

    cases = assert_export_is_the_list(
        user=staff_user,
        list_url=reverse("reward-log-list"),
        export_url=reverse("reward-log-export"),
        capture_on_commit=django_capture_on_commit_callbacks,
    )

    # none; id, created_after, created_before, user, mission, reward, status (no search, no
    # ordering parameter: the list offers neither)
    assert len(cases) == 1 + 7
