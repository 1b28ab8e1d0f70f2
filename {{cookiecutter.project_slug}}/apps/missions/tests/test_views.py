from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.missions.models import Mission
from apps.missions.services import MISSION_BULK_MAX_SIZE

from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("mission-list")
BULK_URL = reverse("mission-bulk")


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def numbered(response) -> list[tuple[int, int | None]]:
    return [(row["id"], row["number"]) for row in response.json()["results"]]


def mission_payload(reward, index: int = 0, **changes) -> dict:
    starts_at = timezone.now()
    return {
        "title": f"친구 초대 미션 {index}",
        "description": "Invite a friend and earn points.",
        "is_exposed": True,
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(days=14)).isoformat(),
        "reward": reward.pk,
        **changes,
    }


# Permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST_URL), ("post", LIST_URL), ("post", BULK_URL), ("get", "/api/missions/1/")],
)
def test_anonymous_users_must_log_in_and_non_staff_users_are_refused(
    api_client, user_client, method, url
):
    assert getattr(api_client, method)(url, {}, format="json").status_code == 401
    assert getattr(user_client, method)(url, {}, format="json").status_code == 403


def test_staff_can_list_missions(staff_client):
    mission = MissionFactory.create()

    response = staff_client.get(LIST_URL)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == mission.pk
    assert row["number"] == 1
    assert row["reward"] == {
        "id": mission.reward.pk,
        "name": mission.reward.name,
        "point": mission.reward.point,
    }


# Filters, search, ordering -------------------------------------------------------------------


def test_filter_by_exposure(staff_client):
    shown = MissionFactory.create()
    hidden = MissionFactory.create(hidden=True)

    assert ids(staff_client.get(LIST_URL, {"is_exposed": "true"})) == [shown.pk]
    assert ids(staff_client.get(LIST_URL, {"is_exposed": "false"})) == [hidden.pk]


def test_filter_by_reward(staff_client):
    mission = MissionFactory.create()
    MissionFactory.create()

    assert ids(staff_client.get(LIST_URL, {"reward": mission.reward.pk})) == [mission.pk]


def test_filter_by_start_dates(staff_client):
    now = timezone.now()
    early = MissionFactory.create(starts_at=now - timedelta(days=10))
    late = MissionFactory.create(starts_at=now + timedelta(days=10))
    day = timezone.localdate(early.starts_at).isoformat()

    assert ids(staff_client.get(LIST_URL, {"starts_after": day, "starts_before": day})) == [
        early.pk
    ]
    later = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert ids(staff_client.get(LIST_URL, {"starts_after": later})) == [late.pk]


def test_filter_missions_running_at_a_moment(staff_client):
    now = timezone.now()
    running = MissionFactory.create(
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
    )
    MissionFactory.create(starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=2))
    MissionFactory.create(starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=9))

    assert ids(staff_client.get(LIST_URL, {"active_at": now.isoformat()})) == [running.pk]


@pytest.mark.parametrize(
    ("params", "error_key"),
    [
        ({"reward": 999_999}, "reward"),
        ({"starts_after": "yesterday"}, "starts"),
        ({"active_at": "noon"}, "active_at"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_filter(staff_client, params, error_key):
    response = staff_client.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [error_key]


def test_search_matches_title_description_and_reward_name(staff_client):
    by_title = MissionFactory.create(title="주말 걷기 챌린지")
    by_reward = MissionFactory.create(reward=RewardFactory.create(name="Weekend walking badge"))
    by_description = MissionFactory.create(description="Walk 5,000 steps on the weekend.")
    MissionFactory.create(
        title="Unrelated", description="", reward=RewardFactory.create(name="Other")
    )

    assert ids(staff_client.get(LIST_URL, {"search": "걷기"})) == [by_title.pk]
    assert set(ids(staff_client.get(LIST_URL, {"search": "weekend"}))) == {
        by_reward.pk,
        by_description.pk,
    }


def test_ordering_by_a_field_numbers_the_rows_in_that_order(staff_client):
    b = MissionFactory.create(title="b")
    a = MissionFactory.create(title="a")
    c = MissionFactory.create(title="c")

    response = staff_client.get(LIST_URL, {"ordering": "title"})

    assert numbered(response) == [(a.pk, 1), (b.pk, 2), (c.pk, 3)]
    response = staff_client.get(LIST_URL, {"ordering": "-title"})
    assert numbered(response) == [(c.pk, 1), (b.pk, 2), (a.pk, 3)]


def test_an_unknown_ordering_field_is_a_400(staff_client):
    response = staff_client.get(LIST_URL, {"ordering": "password"})

    assert response.status_code == 400
    assert "ordering" in response.json()["errors"]


# Pagination and row numbers ------------------------------------------------------------------


@pytest.fixture
def seven_missions() -> list[Mission]:
    """Newest first, as the list shows them; the fourth is hidden and gets no number."""
    missions = [MissionFactory.create(hidden=index == 3) for index in range(7)]
    return missions[::-1]


def test_page_numbers_continue_across_pages(staff_client, seven_missions):
    pages = [staff_client.get(LIST_URL, {"size": 3, "page": page}).json() for page in (1, 2, 3)]

    assert pages[0]["count"] == 7
    rows = [(row["id"], row["number"]) for page in pages for row in page["results"]]
    expected = [1, 2, 3, None, 4, 5, 6]
    assert rows == [(m.pk, n) for m, n in zip(seven_missions, expected, strict=True)]


def test_cursor_pages_keep_the_numbers_of_the_whole_list(staff_client, seven_missions):
    first = staff_client.get(LIST_URL, {"pagination": "cursor", "size": 3}).json()
    second = staff_client.get(first["next"]).json()
    third = staff_client.get(second["next"]).json()
    back = staff_client.get(third["previous"]).json()

    rows = [(r["id"], r["number"]) for p in (first, second, third) for r in p["results"]]
    expected = [1, 2, 3, None, 4, 5, 6]
    assert rows == [(m.pk, n) for m, n in zip(seven_missions, expected, strict=True)]
    assert third["next"] is None
    assert back["results"] == second["results"]


def test_cursor_pages_keep_numbers_with_a_client_ordering(staff_client):
    missions = [MissionFactory.create(title=title) for title in ("d", "a", "c", "b", "e")]
    by_title = sorted(missions, key=lambda mission: mission.title)
    params = {"pagination": "cursor", "size": 2, "ordering": "title"}

    first = staff_client.get(LIST_URL, params).json()
    second = staff_client.get(first["next"]).json()
    third = staff_client.get(second["next"]).json()

    rows = [(r["id"], r["number"]) for p in (first, second, third) for r in p["results"]]
    assert rows == [(mission.pk, index) for index, mission in enumerate(by_title, start=1)]


def test_an_unknown_pagination_mode_is_a_400(staff_client):
    response = staff_client.get(LIST_URL, {"pagination": "offset"})

    assert response.status_code == 400
    assert "pagination" in response.json()["errors"]


def test_numbers_close_the_gap_after_a_delete(staff_client, seven_missions):
    seven_missions[1].delete()

    response = staff_client.get(LIST_URL, {"size": 10})

    expected = [1, 2, None, 3, 4, 5]
    remaining = [m for index, m in enumerate(seven_missions) if index != 1]
    assert numbered(response) == [(m.pk, n) for m, n in zip(remaining, expected, strict=True)]


def test_numbers_count_the_filtered_list(staff_client, seven_missions):
    response = staff_client.get(LIST_URL, {"is_exposed": "true", "size": 2, "page": 2})

    assert [row["number"] for row in response.json()["results"]] == [3, 4]


# Retrieve and create -------------------------------------------------------------------------


def test_retrieve_a_mission_or_404(staff_client):
    mission = MissionFactory.create()

    response = staff_client.get(reverse("mission-detail", args=[mission.pk]))
    assert response.status_code == 200
    assert response.json()["title"] == mission.title
    assert staff_client.get(reverse("mission-detail", args=[mission.pk + 1])).status_code == 404


def test_create_a_mission(staff_client):
    reward = RewardFactory.create()

    response = staff_client.post(LIST_URL, mission_payload(reward), format="json")

    assert response.status_code == 201, response.json()
    mission = Mission.objects.get(pk=response.json()["id"])
    assert mission.reward == reward
    assert response.json()["reward"]["id"] == reward.pk


def test_create_refuses_a_mission_that_ends_before_it_starts(staff_client):
    payload = mission_payload(RewardFactory.create())
    payload["ends_at"] = payload["starts_at"]

    response = staff_client.post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_at": ["A mission must end after it starts."]}
    assert not Mission.objects.exists()


def test_create_refuses_a_missing_title_and_an_unknown_reward(staff_client):
    payload = {**mission_payload(RewardFactory.create()), "title": "", "reward": 999_999}

    response = staff_client.post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "reward"}


# Bulk create ---------------------------------------------------------------------------------


def test_bulk_create_creates_every_mission(staff_client):
    reward = RewardFactory.create()
    payload = [mission_payload(reward, index) for index in range(3)]

    response = staff_client.post(BULK_URL, payload, format="json")

    assert response.status_code == 201, response.json()
    assert [row["title"] for row in response.json()] == [item["title"] for item in payload]
    assert Mission.objects.count() == 3


def test_bulk_create_with_a_malformed_item_saves_nothing_and_names_its_index(staff_client):
    reward = RewardFactory.create()
    payload = [mission_payload(reward, index) for index in range(3)]
    payload[1]["title"] = ""
    payload[2]["starts_at"] = "not a date"

    response = staff_client.post(BULK_URL, payload, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"1", "2"}
    assert "title" in errors["1"]
    assert "starts_at" in errors["2"]
    assert not Mission.objects.exists()


def test_bulk_create_with_an_item_breaking_a_model_rule_saves_nothing(staff_client):
    reward = RewardFactory.create()
    payload = [mission_payload(reward, index) for index in range(3)]
    payload[2]["ends_at"] = payload[2]["starts_at"]

    response = staff_client.post(BULK_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"2": {"ends_at": ["A mission must end after it starts."]}}
    assert not Mission.objects.exists()


def test_bulk_create_over_the_batch_maximum_is_a_clear_400(staff_client):
    reward = RewardFactory.create()
    payload = [mission_payload(reward, index) for index in range(MISSION_BULK_MAX_SIZE + 1)]

    response = staff_client.post(BULK_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [f"A batch holds at most {MISSION_BULK_MAX_SIZE} missions."]
    }
    assert not Mission.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": "one mission, not a list"}, 'Send a JSON list of missions, not "dict".'),
        ([], "Send at least one mission."),
        ("text", 'Send a JSON list of missions, not "str".'),
    ],
)
def test_bulk_create_needs_a_non_empty_list(staff_client, body, message):
    response = staff_client.post(BULK_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [message]}
