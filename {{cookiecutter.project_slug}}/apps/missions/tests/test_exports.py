"""The missions export is the mission list as a file: its filters, search and ordering."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.models import ExportJob
from apps.common.tests.export_helpers import csv_rows, streamed, xlsx_rows
from apps.common.tests.export_parity import assert_export_is_the_list

from .factories import MissionFactory, RewardFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("mission-list")
EXPORT_URL = reverse("mission-export")


@pytest.fixture
def missions():
    """Missions with shared titles and start times (ties for every ordering to break), exposed
    and hidden, on two rewards, over three weeks."""
    now = timezone.now()
    rewards = [RewardFactory.create(), RewardFactory.create()]
    return [
        MissionFactory.create(
            title=f"Write a review {index % 3}",
            is_exposed=index % 2 == 0,
            reward=rewards[index % 2],
            starts_at=now - timedelta(days=7 * (index % 3)),
        )
        for index in range(7)
    ]


def test_the_export_is_the_list_for_each_filter_the_search_and_each_ordering(
    staff_user, missions, s3, django_capture_on_commit_callbacks
):
    cases = assert_export_is_the_list(
        user=staff_user,
        list_url=LIST_URL,
        export_url=EXPORT_URL,
        capture_on_commit=django_capture_on_commit_callbacks,
        values={"active_at": timezone.now().isoformat()},
    )

    assert {"search": "Write"} in cases
    assert {"ordering": "-title"} in cases
    # none; is_exposed x2, reward, starts_after, starts_before, active_at; search; 5 fields x2
    assert len(cases) == 1 + 6 + 1 + 10


def test_the_search_and_ordering_narrow_and_sort_the_file(staff_client, missions):
    # Nothing of it may hold "review": not its title, description or reward's name (the factory
    # names every fifth reward "Review reward N").
    MissionFactory.create(
        title="Something else", description="", reward=RewardFactory.create(name="Other reward")
    )

    response = staff_client.get(EXPORT_URL, {"search": "review", "ordering": "title"})

    header, *rows = csv_rows(streamed(response))
    assert header[:2] == ["ID", "title"]
    titles = [row[1] for row in rows]
    assert len(titles) == 7
    assert titles == sorted(titles)


def test_xlsx_streamed_and_as_a_job(staff_client, missions, s3, django_capture_on_commit_callbacks):
    streamed_rows = xlsx_rows(streamed(staff_client.get(EXPORT_URL, {"format": "xlsx"})))
    assert [row[0] for row in streamed_rows[1:]] == [mission.pk for mission in missions[::-1]]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{EXPORT_URL}?format=xlsx&ordering=id")
    job = ExportJob.objects.get(pk=response.json()["job_id"])
    assert (job.status, job.file_format, job.row_count) == ("succeeded", "xlsx", 7)
    assert job.file_name.endswith(".xlsx")


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ("x=%00", "x"),
        ("search=a%00b", "search"),
        ("colour=red", "colour"),
        ("ordering=price", "ordering"),
        ("is_exposed=maybe", "is_exposed"),
        ("reward=41.5", "reward"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_parameters_are_a_400_naming_them_and_store_nothing(
    staff_client, missions, method, params, named
):
    response = getattr(staff_client, method)(f"{EXPORT_URL}?{params}")

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [named]
    assert not ExportJob.objects.exists()


def test_pagination_parameters_are_ignored_and_not_stored(
    staff_client, missions, s3, django_capture_on_commit_callbacks
):
    file = csv_rows(streamed(staff_client.get(EXPORT_URL, {"page": 2, "size": 1})))
    assert len(file) == 1 + len(missions)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{EXPORT_URL}?size=1&pagination=cursor&is_exposed=true")
    job = ExportJob.objects.get(pk=response.json()["job_id"])
    assert (job.query_params, job.row_count) == ({"is_exposed": "true"}, 4)
