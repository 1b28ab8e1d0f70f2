from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.common import set_progress
from apps.common.models import ExportJob
from apps.common.urls import urlpatterns
from apps.users.tests.factories import StaffUserFactory, UserFactory

from .factories import ExportJobFactory


def _status(client, job: ExportJob):
    return client.get(reverse("export-job-detail", args=[job.pk]))


@pytest.mark.django_db
def test_owner_sees_a_pending_job(user, user_client, settings):
    job = ExportJobFactory.create(user=user, export_name="reward logs")

    response = _status(user_client, job)

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": job.pk,
        "export_name": "reward logs",
        "status": "pending",
        "format": "csv",
        "progress": 0,
        "total": 0,
        "percent": 0,
        "row_count": 0,
        "skipped_rows": 0,
        "error": None,
        "file_name": None,
        "created_at": body["created_at"],
        "started_at": None,
        "finished_at": None,
        "expires_at": body["expires_at"],
        "download_url": None,
    }
    assert body["created_at"] == timezone.localtime(job.created_at).isoformat()
    expires_at = timezone.localtime(job.created_at + settings.EXPORTS_RETENTION)
    assert body["expires_at"] == expires_at.isoformat()


@pytest.mark.django_db
def test_a_running_job_shows_the_progress_its_row_holds_never_100_percent(user, user_client):
    job = ExportJobFactory.create(user=user, status=ExportJob.Status.RUNNING, progress=3, total=12)
    done = ExportJobFactory.create(
        user=user, status=ExportJob.Status.RUNNING, progress=12, total=12
    )

    body = _status(user_client, job).json()

    assert (body["progress"], body["total"], body["percent"]) == (3, 12, 25)
    assert _status(user_client, done).json()["percent"] == 99


@pytest.mark.django_db
def test_progress_by_task_id_in_the_cache_is_not_what_the_status_shows(user, user_client):
    """One source of truth: the job's row. The cache entry serves pollers by task id only."""
    job = ExportJobFactory.create(
        user=user, status=ExportJob.Status.RUNNING, celery_task_id="t-1", progress=3, total=12
    )
    set_progress("t-1", 11, 12)

    body = _status(user_client, job).json()

    assert (body["progress"], body["total"]) == (3, 12)


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
        user=user,
        status=ExportJob.Status.FAILED,
        error_code="row_limit_exceeded",
        error_params={"rows": 12_345, "limit": 10_000},
        total=10,
    )

    body = _status(user_client, job).json()

    assert (body["status"], body["error"], body["download_url"]) == (
        "failed",
        "This export has 12,345 rows, more than the limit of 10,000. "
        "Narrow the filters and try again.",
        None,
    )


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _granted(**fields):
    user = UserFactory.create(**fields)
    user.user_permissions.add(Permission.objects.get(codename="view_every_export"))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reader", "visible"),
    [
        (lambda: UserFactory.create(), False),
        (lambda: StaffUserFactory.create(), False),  # staff status alone is not enough
        (lambda: _granted(), True),
        (lambda: UserFactory.create(is_staff=True, is_superuser=True), True),
    ],
    ids=["other user", "other staff", "granted the permission", "superuser"],
)
def test_someone_elses_job_is_visible_only_with_the_permission(reader, visible):
    job = ExportJobFactory.create(user=StaffUserFactory.create())
    missing = job.pk + 1  # the newest job
    client = _client(reader())

    response = _status(client, job)
    nonexistent = client.get(reverse("export-job-detail", args=[missing]))

    assert response.status_code == (200 if visible else 404)
    assert nonexistent.status_code == 404
    if not visible:
        assert response.json() == nonexistent.json(), "the same answer as for no such job"


@pytest.mark.django_db
def test_anonymous_users_are_refused(api_client):
    job = ExportJobFactory.create()

    response = _status(api_client, job)

    assert response.status_code == 401
    assert b"download_url" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reader", "sees_others"),
    [(lambda: StaffUserFactory.create(), False), (lambda: _granted(is_staff=True), True)],
    ids=["staff", "staff granted the permission"],
)
def test_the_admin_lists_jobs_by_the_same_rule(client, reader, sees_others):
    user = reader()
    user.user_permissions.add(Permission.objects.get(codename="view_exportjob"))
    own = ExportJobFactory.create(user=user)
    others = ExportJobFactory.create(user=StaffUserFactory.create())
    client.force_login(user)

    listed = client.get(reverse("admin:common_exportjob_changelist")).context["cl"].result_list
    other_page = client.get(reverse("admin:common_exportjob_change", args=[others.pk]))

    expected = [others, own] if sees_others else [own]
    assert sorted(listed, key=lambda job: -job.pk) == expected
    assert other_page.status_code == (200 if sees_others else 302)


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
        "format",
        "file_name",
        "created_at",
        "started_at",
        "finished_at",
        "expires_at",
        "download_url",
    }


@pytest.mark.django_db
def test_the_admin_lists_format_progress_and_a_fresh_link_and_cancels(client, s3, settings):
    user = _granted(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_exportjob"))
    client.force_login(user)
    done = ExportJobFactory.create(
        user=StaffUserFactory.create(),
        status=ExportJob.Status.SUCCEEDED,
        file_format="xlsx",
        file_bucket=settings.EXPORTS_S3_BUCKET,
        file_key="download/k/users.xlsx",
        file_name="users.xlsx",
    )
    running = ExportJobFactory.create(user=done.user, status=ExportJob.Status.RUNNING)
    changelist = reverse("admin:common_exportjob_changelist")

    page = client.get(changelist, {"user__id__exact": done.user.pk}).content.decode()
    response = client.post(
        changelist,
        {"action": "cancel", "_selected_action": [done.pk, running.pk]},
        follow=True,
    )

    download_url = reverse("admin:common_exportjob_download", args=[done.pk])
    assert f'<a href="{download_url}">users.xlsx</a>' in page
    assert "X-Amz-Signature=" not in page, "the link is signed when clicked"
    assert "X-Amz-Signature=" in client.get(download_url)["Location"]
    running.refresh_from_db()
    done.refresh_from_db()
    assert (running.status, done.status) == ("cancelled", "succeeded")
    assert [str(m) for m in response.context["messages"]] == ["1 cancelled; 1 had already ended."]
