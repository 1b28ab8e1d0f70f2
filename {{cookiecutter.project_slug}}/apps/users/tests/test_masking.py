"""What a reader without `unmask_personal_data` sees of each personal column of the users export
and of the user list, and what one with the permission sees."""

from typing import Any, cast

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from apps.common.access.models import AccessRecord
from apps.common.tests.export_helpers import csv_rows, streamed

from .factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL, FIRST_NAME, LAST_NAME = 2, 3, 4  # the export's columns


@pytest.fixture
def member():
    return UserFactory.create(
        username="member", email="kimcy@example.com", first_name="철용", last_name="남궁"
    )


def reader(*, unmask: bool) -> APIClient:
    user = StaffUserFactory.create()
    if unmask:
        user.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    client = APIClient()
    client.force_authenticate(user)
    return client


def exported_row(client: APIClient, username: str) -> list[str]:
    response = client.get(reverse("user-export"), {"search": username, "reason": "audit"})
    (row,) = [row for row in csv_rows(streamed(cast(Any, response)))[1:] if row[1] == username]
    return row


def test_the_export_masks_each_personal_column_without_the_permission(member):
    row = exported_row(reader(unmask=False), "member")

    assert (row[EMAIL], row[FIRST_NAME], row[LAST_NAME]) == ("ki***@example.com", "철*", "남*")
    assert AccessRecord.objects.get().unmasked is False


def test_the_export_is_unmasked_with_the_permission_and_its_record_says_so(member):
    row = exported_row(reader(unmask=True), "member")

    assert (row[EMAIL], row[FIRST_NAME], row[LAST_NAME]) == ("kimcy@example.com", "철용", "남궁")
    record = AccessRecord.objects.get()
    assert (record.unmasked, record.personal_data, record.reason) == (True, True, "audit")


@pytest.mark.parametrize(
    ("unmask", "expected"),
    [(False, ("ki***@example.com", "철*", "남*")), (True, ("kimcy@example.com", "철용", "남궁"))],
)
def test_the_user_list_masks_the_same_columns(member, unmask, expected):
    response = reader(unmask=unmask).get(reverse("user-list"), {"search": "member"})

    (listed,) = [user for user in response.json()["results"] if user["username"] == "member"]
    assert (listed["email"], listed["first_name"], listed["last_name"]) == expected
