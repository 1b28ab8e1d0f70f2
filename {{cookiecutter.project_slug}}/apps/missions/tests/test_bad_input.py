"""Hostile or mistaken query strings and bodies on the missions API: 400s that name the problem."""

import base64

import pytest
from django.urls import reverse

from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("mission-list")


def test_an_unknown_boolean_filter_value_is_a_400_not_the_whole_list(staff_client):
    MissionFactory.create()

    response = staff_client.get(LIST_URL, {"is_exposed": "maybe"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"is_exposed": ["Use true or false, not 'maybe'."]}


def test_a_size_that_is_not_a_number_is_a_400(staff_client):
    response = staff_client.get(LIST_URL, {"size": "abc"})

    assert response.status_code == 400
    assert "size" in response.json()["errors"]


def test_a_forged_cursor_is_a_400(staff_client):
    MissionFactory.create()
    cursor = base64.b64encode(b"o=0&p=abc").decode()

    response = staff_client.get(LIST_URL, {"pagination": "cursor", "cursor": cursor})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "cursor": ["Invalid cursor: start again from the first page."]
    }


def test_a_naive_datetime_before_the_calendar_starts_in_utc_is_a_400(staff_client):
    reward = RewardFactory.create()
    payload = {
        "title": "Edge of time",
        "description": "",
        "is_exposed": True,
        "starts_at": "0001-01-01T00:00:00",
        "ends_at": "2030-01-01T00:00:00",
        "reward": reward.pk,
    }

    response = staff_client.post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "starts_at": ["Datetime value out of range: use a date between years 2 and 9998."]
    }


@pytest.mark.parametrize("url", [LIST_URL, reverse("reward-log-list")])
def test_a_related_id_that_is_not_a_whole_number_is_a_400_naming_it(staff_client, url):
    reward = RewardFactory.create()
    MissionFactory.create(reward=reward)

    response = staff_client.get(url, {"reward": f"{reward.pk}.5"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reward": [f"Use the id of one reward, a whole number, not '{reward.pk}.5'."]
    }


@pytest.mark.parametrize(
    ("url", "body", "content_type"),
    [
        (reverse("mission-bulk"), '[{"title": "' + "x" * 2000 + '"}]', "application/json"),
        (LIST_URL, "title=" + "x" * 2000, "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_over_the_upload_limit_is_a_json_400_giving_the_limit(
    staff_client, settings, url, body, content_type
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = staff_client.post(url, data=body, content_type=content_type)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request body is larger than the 1,000 bytes this API accepts. "
        "Send less at once (for a batch, fewer items per request).",
        "errors": {},
    }
