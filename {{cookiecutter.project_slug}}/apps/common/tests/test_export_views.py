from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from apps.common import set_progress
from apps.common.models import ExportJob
from apps.common.urls import urlpatterns
from apps.users.tests.factories import UserFactory

from .factories import ExportJobFactory


def _status(client, job: ExportJob):
    return client.get(reverse("export-job-detail", args=[job.pk]))


@pytest.mark.django_db
def test_owner_sees_a_pending_job(user, user_client):
    job = ExportJobFactory.create(user=user, export_name="reward logs")

    response = _status(user_client, job)

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": job.pk,
        "export_name": "reward logs",
        "status": "pending",
        "progress": 0,
        "total": 0,
        "percent": 0,
        "row_count": 0,
        "skipped_rows": 0,
        "error": None,
        "created_at": body["created_at"],
        "finished_at": None,
        "download_url": None,
    }
    assert body["created_at"] == timezone.localtime(job.created_at).isoformat()


@pytest.mark.django_db
def test_progress_of_a_running_job_is_read_live_from_the_cache(user, user_client):
    job = ExportJobFactory.create(
        user=user, status=ExportJob.Status.RUNNING, celery_task_id="live-1"
    )
    set_progress("live-1", 50, 200)

    body = _status(user_client, job).json()

    assert (body["progress"], body["total"], body["percent"]) == (50, 200, 25)


@pytest.mark.django_db
def test_a_running_job_never_shows_100_percent(user, user_client):
    job = ExportJobFactory.create(
        user=user, status=ExportJob.Status.RUNNING, celery_task_id="live-2"
    )
    set_progress("live-2", 200, 200)

    assert _status(user_client, job).json()["percent"] == 99


@pytest.mark.django_db
def test_without_cached_progress_the_job_record_is_used(user, user_client):
    job = ExportJobFactory.create(
        user=user,
        status=ExportJob.Status.RUNNING,
        celery_task_id="never-written",
        progress=3,
        total=12,
    )

    body = _status(user_client, job).json()

    assert (body["progress"], body["total"], body["percent"]) == (3, 12, 25)


@pytest.mark.django_db
def test_a_succeeded_job_has_a_fresh_short_lived_download_link(user, user_client, s3, settings):
    s3.client.put_object(Bucket=settings.EXPORTS_S3_BUCKET, Key="d/t/보고서.csv", Body=b"a\r\n")
    job = ExportJobFactory.create(
        user=user,
        status=ExportJob.Status.SUCCEEDED,
        progress=1,
        total=1,
        row_count=1,
        file_bucket=settings.EXPORTS_S3_BUCKET,
        file_key="d/t/보고서.csv",
        file_name="보고서.csv",
        finished_at=timezone.now(),
    )

    body = _status(user_client, job).json()

    assert body["percent"] == 100
    assert body["row_count"] == 1
    query = parse_qs(urlparse(body["download_url"]).query)
    expiry = int(settings.EXPORTS_DOWNLOAD_URL_EXPIRY.total_seconds())
    assert query["X-Amz-Expires"] == [str(expiry)]
    download = requests.get(body["download_url"], timeout=5)
    assert download.content == b"a\r\n"
    assert download.headers["Content-Disposition"].startswith("attachment; filename*=utf-8''")


@pytest.mark.django_db
def test_a_failed_job_says_why_and_has_no_link(user, user_client):
    job = ExportJobFactory.create(
        user=user, status=ExportJob.Status.FAILED, error_message="Too many rows.", total=10
    )

    body = _status(user_client, job).json()

    assert (body["status"], body["error"], body["download_url"]) == (
        "failed",
        "Too many rows.",
        None,
    )


@pytest.mark.django_db
def test_another_users_job_is_not_found(user_client):
    job = ExportJobFactory.create(user=UserFactory.create())

    response = _status(user_client, job)

    assert response.status_code == 404


@pytest.mark.django_db
def test_staff_can_see_any_job(staff_client):
    job = ExportJobFactory.create(user=UserFactory.create())

    assert _status(staff_client, job).status_code == 200


@pytest.mark.django_db
def test_anonymous_users_are_refused(api_client):
    job = ExportJobFactory.create()

    assert _status(api_client, job).status_code in {401, 403}


@pytest.mark.django_db
def test_a_missing_job_is_not_found(user_client):
    response = user_client.get(reverse("export-job-detail", args=[999_999]))

    assert response.status_code == 404


def test_status_endpoint_is_documented_without_schema_warnings():
    GENERATOR_STATS.reset()
    patterns = [pattern for pattern in urlpatterns if pattern.name == "export-job-detail"]

    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS
    operation = schema["paths"]["/api/exports/{id}/"]["get"]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response == {"$ref": "#/components/schemas/ExportJobStatus"}
    fields = schema["components"]["schemas"]["ExportJobStatus"]["properties"]
    assert set(fields) == {
        "id",
        "export_name",
        "status",
        "progress",
        "total",
        "percent",
        "row_count",
        "skipped_rows",
        "error",
        "created_at",
        "finished_at",
        "download_url",
    }
