from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.missions.tests.factories import MissionFactory
from apps.reward_logs.models import MissionRewardLog

from .factories import MissionRewardLogFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("reward-log-list")
EXPORT_URL = reverse("reward-log-export")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", LIST_URL),
        ("get", EXPORT_URL),
        ("post", EXPORT_URL),
        ("get", reverse("mission-reward-totals", args=[1])),
    ],
)
def test_anonymous_users_must_log_in_and_non_staff_users_are_refused(
    api_client, user_client, method, url
):
    assert getattr(api_client, method)(url).status_code == 401
    assert getattr(user_client, method)(url).status_code == 403


def test_staff_list_reward_logs_newest_first_with_their_relations(staff_client):
    older, newer = MissionRewardLogFactory.create(), MissionRewardLogFactory.create(paid=True)

    response = staff_client.get(LIST_URL)

    assert ids(response) == [newer.pk, older.pk]
    row = response.json()["results"][0]
    assert row["user"] == {"id": newer.user.pk, "username": newer.user.username}
    assert row["mission"] == {"id": newer.mission.pk, "title": newer.mission.title}
    assert row["reward"] == {"id": newer.reward.pk, "name": newer.reward.name}
    assert (row["status"], row["point"], row["memo"]) == ("paid", newer.point, newer.memo)
    assert row["paid_at"] is not None


def test_the_list_costs_the_same_queries_for_any_number_of_rows(
    staff_client, django_assert_max_num_queries
):
    MissionRewardLogFactory.create_batch(3)
    with django_assert_max_num_queries(4) as few:
        staff_client.get(LIST_URL)
    MissionRewardLogFactory.create_batch(10)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(ids(staff_client.get(LIST_URL))) == 13


@pytest.mark.parametrize("field", ["user", "mission", "reward"])
def test_filter_by_a_relation(staff_client, field):
    wanted, _ = MissionRewardLogFactory.create(), MissionRewardLogFactory.create()

    assert ids(staff_client.get(LIST_URL, {field: getattr(wanted, field).pk})) == [wanted.pk]


def test_filter_by_status(staff_client):
    paid = MissionRewardLogFactory.create(paid=True)
    cancelled = MissionRewardLogFactory.create(cancelled=True)
    MissionRewardLogFactory.create()

    assert ids(staff_client.get(LIST_URL, {"status": "paid"})) == [paid.pk]
    assert ids(staff_client.get(LIST_URL, {"status": "cancelled"})) == [cancelled.pk]


def test_filter_by_created_date_range_includes_both_end_days(staff_client):
    today = timezone.localdate()
    logs = MissionRewardLogFactory.create_batch(4)
    for days_ago, reward_log in zip((0, 1, 2, 3), logs, strict=True):
        MissionRewardLog.objects.filter(pk=reward_log.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    params = {
        "created_after": (today - timedelta(days=2)).isoformat(),
        "created_before": (today - timedelta(days=1)).isoformat(),
    }

    assert ids(staff_client.get(LIST_URL, params)) == [logs[1].pk, logs[2].pk]
    assert ids(staff_client.get(LIST_URL, {"created_after": today.isoformat()})) == [logs[0].pk]


def test_filter_by_ids(staff_client):
    first, _, third = MissionRewardLogFactory.create_batch(3)

    assert ids(staff_client.get(LIST_URL, {"id": f"{first.pk},{third.pk}"})) == [
        third.pk,
        first.pk,
    ]


def test_filters_combine(staff_client):
    mission = MissionFactory.create()
    wanted = MissionRewardLogFactory.create(mission=mission, paid=True)
    MissionRewardLogFactory.create(mission=mission)
    MissionRewardLogFactory.create(paid=True)

    assert ids(staff_client.get(LIST_URL, {"mission": mission.pk, "status": "paid"})) == [wanted.pk]


@pytest.mark.parametrize(
    ("params", "error_key"),
    [
        ({"status": "refunded"}, "status"),
        ({"mission": 999_999}, "mission"),
        ({"user": "abc"}, "user"),
        ({"created_after": "2025-13-01"}, "created"),
        ({"id": "1,two"}, "id"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_it(staff_client, params, error_key):
    response = staff_client.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [error_key]


def test_the_list_pages_with_a_total_count(staff_client):
    MissionRewardLogFactory.create_batch(5)

    page = staff_client.get(LIST_URL, {"size": 2, "page": 3}).json()

    assert page["count"] == 5
    assert len(page["results"]) == 1


# Mission reward totals -----------------------------------------------------------------------


def test_mission_reward_totals_endpoint(staff_client):
    mission = MissionFactory.create(reward__point=50)
    MissionRewardLogFactory.create_batch(3, mission=mission, paid=True)

    response = staff_client.get(reverse("mission-reward-totals", args=[mission.pk]))

    assert response.status_code == 200
    assert response.json() == {
        "mission_id": mission.pk,
        "pending": {"count": 0, "point": 0},
        "paid": {"count": 3, "point": 150},
        "cancelled": {"count": 0, "point": 0},
    }


def test_mission_reward_totals_of_an_unknown_mission_is_a_404(staff_client):
    response = staff_client.get(reverse("mission-reward-totals", args=[999_999]))

    assert response.status_code == 404
