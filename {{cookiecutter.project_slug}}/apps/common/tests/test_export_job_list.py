"""My exports: `GET /api/exports/`, the caller's jobs newest first, with fresh links."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.common.exports.failures import MESSAGES, STALE
from apps.common.models import ExportJob
from apps.users.tests.factories import StaffUserFactory

from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/exports/"


def _succeeded(user, settings, **fields):
    return ExportJobFactory.create(
        user=user,
        status=ExportJob.Status.SUCCEEDED,
        file_format="xlsx",
        row_count=3,
        progress=3,
        total=3,
        file_bucket=settings.EXPORTS_S3_BUCKET,
        file_key="download/x/report.xlsx",
        file_name="report.xlsx",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        **fields,
    )


def test_the_callers_jobs_newest_first_with_a_link_on_each_finished_file(
    user, user_client, settings, s3
):
    assert reverse("export-job-list") == LIST_URL
    older = _succeeded(user, settings)
    failed = ExportJobFactory.create(
        user=user,
        status=ExportJob.Status.FAILED,
        error_code=STALE,
        error_params={},
    )
    running = ExportJobFactory.create(
        user=user, status=ExportJob.Status.RUNNING, progress=1, total=4
    )
    ExportJobFactory.create(user=StaffUserFactory.create())  # someone else's: never listed

    body = user_client.get(LIST_URL).json()

    assert body["count"] == 3
    listed = body["results"]
    assert [job["id"] for job in listed] == [running.pk, failed.pk, older.pk]
    assert [job["status"] for job in listed] == ["running", "failed", "succeeded"]
    assert (listed[0]["progress"], listed[0]["percent"], listed[0]["download_url"]) == (1, 25, None)
    assert listed[1]["error"] == str(MESSAGES[STALE])
    finished = listed[2]
    assert (finished["format"], finished["file_name"], finished["row_count"]) == (
        "xlsx",
        "report.xlsx",
        3,
    )
    assert finished["started_at"] is not None
    assert finished["finished_at"] is not None
    query = parse_qs(urlparse(finished["download_url"]).query)
    expiry = int(settings.EXPORTS_DOWNLOAD_URL_EXPIRY.total_seconds())
    assert query["X-Amz-Expires"] == [str(expiry)]


def test_an_expired_file_has_no_link(user, user_client, settings, s3):
    job = _succeeded(user, settings)
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - settings.EXPORTS_RETENTION - timedelta(minutes=1)
    )

    [listed] = user_client.get(LIST_URL).json()["results"]

    assert (listed["status"], listed["download_url"]) == ("succeeded", None)


def test_filter_by_status_and_pages(user, user_client):
    ExportJobFactory.create_batch(3, user=user, status=ExportJob.Status.CANCELLED)
    ExportJobFactory.create(user=user, status=ExportJob.Status.PENDING)

    cancelled = user_client.get(LIST_URL, {"status": "cancelled", "size": 2}).json()

    assert cancelled["count"] == 3
    assert len(cancelled["results"]) == 2
    assert {job["status"] for job in cancelled["results"]} == {"cancelled"}
    assert cancelled["next"] is not None


def test_an_unknown_status_is_a_400_naming_it(user_client):
    response = user_client.get(LIST_URL, {"status": "lost"})

    assert response.status_code == 400
    [message] = response.json()["errors"]["status"]
    assert "lost" in message


def test_anonymous_is_401(api_client):
    assert api_client.get(LIST_URL).status_code == 401
