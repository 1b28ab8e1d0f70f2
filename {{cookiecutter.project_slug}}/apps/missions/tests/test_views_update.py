from datetime import timedelta

import pytest
from django.urls import reverse

from apps.missions.etags import mission_etag
from apps.missions.models import Mission, Reward
from apps.missions.services import MISSION_BULK_MAX_SIZE

from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("mission-list")
BULK_URL = reverse("mission-bulk")


def detail_url(mission: Mission) -> str:
    return reverse("mission-detail", args=[mission.pk])


def stored(mission: Mission) -> Mission:
    return Mission.objects.get(pk=mission.pk)


def numbered(response) -> list[tuple[int, int | None]]:
    return [(row["id"], row["number"]) for row in response.json()["results"]]


@pytest.mark.parametrize("url", [BULK_URL, "/api/missions/1/"])
def test_anonymous_users_must_log_in_and_non_staff_users_cannot_edit(api_client, user_client, url):
    assert api_client.patch(url, {}, format="json").status_code == 401
    assert user_client.patch(url, {}, format="json").status_code == 403


# Edit one ------------------------------------------------------------------------------------


def test_get_answers_with_the_missions_etag(staff_client):
    mission = MissionFactory.create()

    response = staff_client.get(detail_url(mission))

    assert response.headers["ETag"] == mission_etag(stored(mission))


def test_patch_changes_the_fields_sent_and_answers_with_the_new_etag(staff_client):
    mission = MissionFactory.create(title="Old title", is_exposed=True)
    etag = staff_client.get(detail_url(mission)).headers["ETag"]

    response = staff_client.patch(
        detail_url(mission), {"title": "새 제목", "is_exposed": False}, format="json"
    )

    assert response.status_code == 200, response.json()
    saved = stored(mission)
    assert (response.json()["title"], response.json()["is_exposed"]) == ("새 제목", False)
    assert (saved.title, saved.is_exposed, saved.description) == (
        "새 제목",
        False,
        mission.description,
    )
    assert response.headers["ETag"] == mission_etag(saved) != etag
    assert staff_client.get(detail_url(mission)).headers["ETag"] == response.headers["ETag"]


def test_patch_can_move_a_mission_to_another_reward(staff_client):
    mission = MissionFactory.create()
    reward = RewardFactory.create()

    response = staff_client.patch(detail_url(mission), {"reward": reward.pk}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["reward"]["id"] == reward.pk
    assert stored(mission).reward == reward


def test_patch_with_the_current_if_match_applies(staff_client):
    mission = MissionFactory.create()
    etag = staff_client.get(detail_url(mission)).headers["ETag"]

    response = staff_client.patch(
        detail_url(mission), {"title": "Checked"}, format="json", headers={"If-Match": etag}
    )

    assert response.status_code == 200, response.json()
    assert stored(mission).title == "Checked"


def test_patch_with_a_stale_if_match_is_a_412_and_saves_nothing(staff_client):
    mission = MissionFactory.create()
    etag = staff_client.get(detail_url(mission)).headers["ETag"]
    staff_client.patch(detail_url(mission), {"title": "Someone else's"}, format="json")

    response = staff_client.patch(
        detail_url(mission), {"title": "Mine"}, format="json", headers={"If-Match": etag}
    )

    assert response.status_code == 412
    assert response.json()["detail"] == "This mission changed after you read it; nothing was saved."
    assert "read it again" in response.json()["errors"]["updated_at"][0]
    assert stored(mission).title == "Someone else's"


@pytest.mark.parametrize("if_match", [None, "*"])
def test_patch_without_a_version_applies_to_the_stored_row(staff_client, if_match):
    mission = MissionFactory.create()
    staff_client.patch(detail_url(mission), {"title": "Someone else's"}, format="json")
    headers = {"If-Match": if_match} if if_match else {}

    response = staff_client.patch(
        detail_url(mission), {"description": "Mine"}, format="json", headers=headers
    )

    assert response.status_code == 200
    assert (stored(mission).title, stored(mission).description) == ("Someone else's", "Mine")


@pytest.mark.parametrize(
    "if_match",
    ["12345", 'W/"12345"', '"12345", "67890"', '"abc"', f'"{"9" * 19}"', f'"{"9" * 25}"', " ", ""],
)
def test_patch_with_an_if_match_that_is_not_our_etag_is_a_400(staff_client, if_match):
    mission = MissionFactory.create()

    response = staff_client.patch(
        detail_url(mission), {"title": "Mine"}, format="json", headers={"If-Match": if_match}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "If-Match": ["Send the ETag header of your last GET of this mission, quotes included."]
    }
    assert stored(mission).title == mission.title


EDITABLE = "title, description, is_exposed, starts_at, ends_at, reward"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"is_exposed": "maybe"}, "is_exposed"),
        ({"starts_at": "soon"}, "starts_at"),
        ({"title": ""}, "title"),
        ({"title": 7 * ["x"]}, "title"),
        ({"reward": 999_999}, "reward"),
        (["a", "list"], "non_field_errors"),
    ],
)
def test_patch_with_a_wrong_type_is_a_400_naming_the_field(staff_client, body, field):
    """DRF's own messages are translated (LANGUAGE_CODE), so the field is what is checked."""
    mission = MissionFactory.create()

    response = staff_client.patch(detail_url(mission), body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert stored(mission).updated_at == mission.updated_at


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"titel": "typo"}, {"titel": [f"Not a field you can send here; use {EDITABLE}."]}),
        (
            {"id": 1, "title": "x"},
            {"id": [f"Not a field you can send here; use {EDITABLE}."]},
        ),
        ({}, {"non_field_errors": [f"Send at least one field to change: {EDITABLE}."]}),
    ],
)
def test_patch_refuses_unknown_fields_and_an_empty_body(staff_client, body, errors):
    mission = MissionFactory.create()

    response = staff_client.patch(detail_url(mission), body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert stored(mission).updated_at == mission.updated_at


def test_patch_checks_the_rules_on_the_merged_mission(staff_client):
    mission = MissionFactory.create()
    ends_before_it_starts = (mission.starts_at - timedelta(days=1)).isoformat()

    response = staff_client.patch(
        detail_url(mission), {"ends_at": ends_before_it_starts}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"ends_at": ["A mission must end after it starts."]}
    assert stored(mission).ends_at == mission.ends_at


def test_patch_of_an_unknown_mission_is_a_404(staff_client):
    response = staff_client.patch("/api/missions/999999/", {"title": "x"}, format="json")

    assert response.status_code == 404


# Edit many -----------------------------------------------------------------------------------


def test_bulk_patch_changes_every_item_and_nothing_else(staff_client):
    first, second, third, untouched = MissionFactory.create_batch(4)
    reward = RewardFactory.create()
    payload = [
        {"id": third.pk, "title": "Third, renamed"},
        {"id": first.pk, "is_exposed": False, "reward": reward.pk},
        {"id": second.pk, "ends_at": (second.ends_at + timedelta(days=7)).isoformat()},
    ]

    response = staff_client.patch(BULK_URL, payload, format="json")

    assert response.status_code == 200, response.json()
    rows = response.json()
    assert [row["id"] for row in rows] == [third.pk, first.pk, second.pk]
    assert rows[1]["reward"]["id"] == reward.pk
    assert stored(third).title == "Third, renamed"
    assert (stored(first).is_exposed, stored(first).reward) == (False, reward)
    assert stored(second).ends_at == second.ends_at + timedelta(days=7)
    assert stored(untouched).updated_at == untouched.updated_at


def test_bulk_patch_with_the_updated_at_read_applies(staff_client):
    missions = MissionFactory.create_batch(2)
    read = {row["id"]: row["updated_at"] for row in staff_client.get(LIST_URL).json()["results"]}

    response = staff_client.patch(
        BULK_URL,
        [{"id": m.pk, "updated_at": read[m.pk], "title": f"v2 {m.pk}"} for m in missions],
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert [stored(m).title for m in missions] == [f"v2 {m.pk}" for m in missions]


def test_bulk_patch_with_a_stale_item_is_a_409_naming_it_and_saves_nothing(staff_client):
    fresh, changed = MissionFactory.create_batch(2)
    read = {row["id"]: row["updated_at"] for row in staff_client.get(LIST_URL).json()["results"]}
    staff_client.patch(detail_url(changed), {"title": "Someone else's"}, format="json")

    response = staff_client.patch(
        BULK_URL,
        [{"id": m.pk, "updated_at": read[m.pk], "title": "Mine"} for m in (fresh, changed)],
        format="json",
    )

    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "Some missions changed after you read them; nothing was saved."
    assert list(body["errors"]) == ["1"]
    assert "read it again" in body["errors"]["1"]["updated_at"][0]
    assert stored(fresh).title == fresh.title
    assert stored(changed).title == "Someone else's"


def test_bulk_patch_reports_unknown_and_repeated_ids_and_broken_rules_together(staff_client):
    first, second = MissionFactory.create_batch(2)
    other_model = RewardFactory.create_batch(3)[-1]
    assert not Mission.objects.filter(pk=other_model.pk).exists()
    payload = [
        {"id": first.pk, "title": "Valid, but not saved"},
        {"id": other_model.pk, "title": "A reward's id"},
        {"id": first.pk, "description": "Again"},
        {"id": second.pk, "ends_at": second.starts_at.isoformat()},
        {"id": 999_999, "title": "Unknown"},
    ]

    response = staff_client.patch(BULK_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some items are invalid; nothing was saved.",
        "errors": {
            "1": {"id": [f"There is no mission with id {other_model.pk}."]},
            "2": {"id": [f"Mission {first.pk} is already item 0; send each mission once."]},
            "3": {"ends_at": ["A mission must end after it starts."]},
            "4": {"id": ["There is no mission with id 999999."]},
        },
    }
    assert stored(first).title == first.title
    assert stored(first).updated_at == first.updated_at


def test_bulk_patch_with_a_missions_id_as_reward_names_the_reward(staff_client):
    mission = MissionFactory.create()
    not_a_reward = max(RewardFactory.create().pk, mission.pk) + 1
    MissionFactory.create_batch(not_a_reward - mission.pk, reward=mission.reward)
    assert Mission.objects.filter(pk=not_a_reward).exists()
    assert not Reward.objects.filter(pk=not_a_reward).exists()

    response = staff_client.patch(
        BULK_URL, [{"id": mission.pk, "reward": not_a_reward}], format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "0": {"reward": [f"There is no reward with id {not_a_reward}."]}
    }
    assert stored(mission).reward == mission.reward


def test_bulk_patch_reports_wrong_types_by_index_and_saves_nothing(staff_client):
    mission = MissionFactory.create()
    payload = [
        {"id": mission.pk, "title": "Valid, but not saved"},
        {"id": "seven", "title": "x"},
        {"id": mission.pk, "is_exposed": "maybe", "starts_at": "soon"},
        5,
        {"id": mission.pk},
        {"id": mission.pk, "created_at": "2025-01-01T00:00:00Z"},
        {"id": 2**63, "title": "x"},
    ]

    response = staff_client.patch(BULK_URL, payload, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"1", "2", "3", "4", "5", "6"}
    assert set(errors["1"]) == {"id"}
    assert set(errors["2"]) == {"is_exposed", "starts_at"}
    assert set(errors["3"]) == {"non_field_errors"}
    assert errors["4"]["non_field_errors"][0].startswith("Send at least one field to change")
    assert errors["5"]["created_at"][0].startswith("Not a field you can send here; use id,")
    assert set(errors["6"]) == {"id"}
    assert str(2**63 - 1) in errors["6"]["id"][0]
    assert stored(mission).updated_at == mission.updated_at


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": 1, "title": "one item, not a list"}, 'Send a JSON list of missions, not "dict".'),
        ("text", 'Send a JSON list of missions, not "str".'),
        ([], "Send at least one mission."),
    ],
)
def test_bulk_patch_needs_a_non_empty_list(staff_client, body, message):
    response = staff_client.patch(BULK_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [message]}


def test_bulk_patch_over_the_batch_maximum_is_a_400_and_saves_nothing(staff_client):
    mission = MissionFactory.create()
    payload = [{"id": mission.pk, "title": "x"}] * (MISSION_BULK_MAX_SIZE + 1)

    response = staff_client.patch(BULK_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [f"A batch holds at most {MISSION_BULK_MAX_SIZE} missions."]
    }
    assert stored(mission).title == mission.title


def test_bulk_endpoint_takes_json_only(staff_client):
    mission = MissionFactory.create()

    response = staff_client.patch(BULK_URL, {"id": mission.pk, "title": "x"}, format="multipart")

    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


@pytest.mark.parametrize("size", [10, 100])
def test_bulk_patch_queries_do_not_grow_with_the_batch(
    staff_client, django_assert_num_queries, size
):
    missions = MissionFactory.create_batch(size)
    rewards = RewardFactory.create_batch(2)
    payload = [
        {"id": m.pk, "title": f"Edited {index}", "reward": rewards[index % 2].pk}
        for index, m in enumerate(missions)
    ]

    # SAVEPOINT, SELECT ... FOR UPDATE the missions, SELECT the rewards, UPDATE, RELEASE.
    with django_assert_num_queries(5):
        response = staff_client.patch(BULK_URL, payload, format="json")

    assert response.status_code == 200, response.json()
    assert Mission.objects.filter(title__startswith="Edited").count() == size


# Row numbers after edits ---------------------------------------------------------------------


def test_row_numbers_follow_edits(staff_client):
    missions = [MissionFactory.create(title=title) for title in ("a", "b", "c", "d")]
    a, b, c, d = missions

    response = staff_client.patch(
        BULK_URL,
        [{"id": b.pk, "is_exposed": False}, {"id": d.pk, "title": "0 first"}],
        format="json",
    )
    assert response.status_code == 200, response.json()
    staff_client.patch(detail_url(c), {"title": "bb"}, format="json")

    by_title = staff_client.get(LIST_URL, {"ordering": "title"})
    assert numbered(by_title) == [(d.pk, 1), (a.pk, 2), (b.pk, None), (c.pk, 3)]
    exposed = staff_client.get(LIST_URL, {"is_exposed": "true", "ordering": "title"})
    assert numbered(exposed) == [(d.pk, 1), (a.pk, 2), (c.pk, 3)]
