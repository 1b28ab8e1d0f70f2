"""The users export is the user list as a file: its filters, search and ordering."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.tests.export_parity import assert_export_is_the_list

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_is_the_list_for_each_filter_the_search_and_each_ordering(
    staff_user, s3, django_capture_on_commit_callbacks
):
    now = timezone.now()
    for index in range(5):
        UserFactory.create(
            username=f"operator{index}",
            is_staff=index % 2 == 0,
            is_active=index != 3,
            date_joined=now - timedelta(days=index % 3),
            last_login=now if index % 2 else None,
        )

    cases = assert_export_is_the_list(
        user=staff_user,
        list_url=reverse("user-list"),
        export_url=reverse("user-export"),
        capture_on_commit=django_capture_on_commit_callbacks,
        export_options={"reason": "quarterly account review"},
    )

    # none; joined_after, joined_before, is_staff x2, is_active x2; search; 4 fields x2
    assert len(cases) == 1 + 6 + 1 + 8
