import pytest
from django.urls import reverse

from apps.common.tests.admin_export_helpers import changelist_ids, export_the_list
from apps.missions.admin import MissionAdmin, RewardAdmin
from apps.missions.models import Mission
from apps.users.tests.factories import StaffUserFactory

from .admin_helpers import changelist_rows, column
from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db

MISSION_CHANGELIST = reverse("admin:missions_mission_changelist")
REWARD_CHANGELIST = reverse("admin:missions_reward_changelist")


@pytest.fixture
def admin_client(client):
    client.force_login(StaffUserFactory.create(is_superuser=True))
    return client


def test_admin_numbers_match_the_api_numbers_row_for_row(admin_client, staff_client):
    for index in range(5):
        MissionFactory.create(hidden=index == 2)

    admin_rows = changelist_rows(admin_client.get(MISSION_CHANGELIST))
    api_rows = staff_client.get(reverse("mission-list")).json()["results"]

    assert [(m.pk, m.number) for m in admin_rows] == [(r["id"], r["number"]) for r in api_rows]
    assert [m.number for m in admin_rows] == [1, 2, None, 3, 4]


def test_admin_numbers_follow_a_column_sort_and_span_pages(admin_client, monkeypatch):
    monkeypatch.setattr(MissionAdmin, "list_per_page", 2)
    for title in ("c", "a", "d", "b"):
        MissionFactory.create(title=title)
    sort = {"o": str(column(MissionAdmin, "title"))}

    first = changelist_rows(admin_client.get(MISSION_CHANGELIST, sort))
    second = changelist_rows(admin_client.get(MISSION_CHANGELIST, {**sort, "p": 2}))

    assert [(m.title, m.number) for m in first + second] == [
        ("a", 1),
        ("b", 2),
        ("c", 3),
        ("d", 4),
    ]


def test_admin_numbers_are_the_same_on_every_request(admin_client):
    MissionFactory.create_batch(3)

    first = changelist_rows(admin_client.get(MISSION_CHANGELIST))
    again = changelist_rows(admin_client.get(MISSION_CHANGELIST))

    assert [m.number for m in first] == [m.number for m in again] == [1, 2, 3]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"is_exposed__exact": "1"}, id="filter"),
        pytest.param({"q": "review"}, id="search"),
        pytest.param({"o": f"-{column(MissionAdmin, 'title')}"}, id="ordering"),
        pytest.param(
            {"is_exposed__exact": "1", "q": "review", "o": str(column(MissionAdmin, "title"))},
            id="all-three",
        ),
    ],
)
def test_the_list_button_exports_the_changelists_rows_in_its_order(admin_client, s3, params):
    for title, hidden in (("b review", False), ("a review", True), ("c other", False)):
        MissionFactory.create(title=title, hidden=hidden)
    MissionFactory.create(title="d", description="needs a review")

    shown = changelist_ids(admin_client, MISSION_CHANGELIST, params)
    job, exported = export_the_list(admin_client, s3, MISSION_CHANGELIST, params)

    assert exported == shown
    assert (job.export_name, job.query_params) == ("admin.missions.mission", params)


def test_reward_admin_counts_missions_and_sorts_by_them(admin_client):
    popular, unused = RewardFactory.create(), RewardFactory.create()
    MissionFactory.create_batch(2, reward=popular)

    rows = changelist_rows(
        admin_client.get(REWARD_CHANGELIST, {"o": f"{column(RewardAdmin, 'mission_count')}"})
    )

    assert [(r.pk, r.mission_count) for r in rows] == [(unused.pk, 0), (popular.pk, 2)]


def test_admin_add_form_refuses_a_mission_that_ends_before_it_starts(admin_client):
    reward = RewardFactory.create()

    response = admin_client.post(
        reverse("admin:missions_mission_add"),
        {
            "title": "Backwards mission",
            "description": "",
            "starts_at_0": "2025-01-02",
            "starts_at_1": "10:00:00",
            "ends_at_0": "2025-01-01",
            "ends_at_1": "10:00:00",
            "reward": reward.pk,
        },
    )

    assert response.status_code == 200
    assert "A mission must end after it starts." in response.content.decode()
    assert not Mission.objects.exists()
