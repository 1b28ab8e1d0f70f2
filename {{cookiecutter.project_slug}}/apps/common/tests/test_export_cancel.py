"""Cancelling an export job: pending never starts, running stops and uploads nothing, ended is a
400, someone else's is a 404."""

import tempfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from apps.common.exports import jobs
from apps.common.exports.jobs import export_job_run
from apps.common.exports.services import export_job_cancel
from apps.common.models import ExportJob
from apps.users.tests.factories import StaffUserFactory, UserFactory

from .export_helpers import JobCSVDownloader, job_export
from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db


def _cancel(client: APIClient, job: ExportJob):
    return client.post(reverse("export-job-cancel", args=[job.pk]))


@pytest.mark.parametrize("status", [ExportJob.Status.PENDING, ExportJob.Status.RUNNING])
def test_the_owner_cancels_a_job_under_way(user, user_client, status):
    job = ExportJobFactory.create(user=user, status=status)

    response = _cancel(user_client, job)

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["download_url"]) == (job.pk, "cancelled", None)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.CANCELLED
    assert job.finished_at is not None
    assert _cancel(user_client, job).json()["status"] == "cancelled", "twice: still cancelled"


@pytest.mark.parametrize(
    ("status", "word"),
    [(ExportJob.Status.SUCCEEDED, "Succeeded"), (ExportJob.Status.FAILED, "Failed")],
)
def test_cancelling_an_ended_job_is_a_400_saying_so(user, user_client, status, word):
    job = ExportJobFactory.create(user=user, status=status)

    with translation.override("en"):
        response = _cancel(user_client, job)

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"This export has already ended ({word}): there is nothing to cancel.",
        "errors": {"status": [status.value]},
    }
    job.refresh_from_db()
    assert job.status == status


def test_someone_elses_job_is_a_404_unless_allowed_to_see_every_export(user_client):
    job = ExportJobFactory.create(user=StaffUserFactory.create())
    granted = UserFactory.create()
    granted.user_permissions.add(Permission.objects.get(codename="view_every_export"))
    granted_client = APIClient()
    granted_client.force_authenticate(granted)

    refused = _cancel(user_client, job)
    missing = user_client.post(reverse("export-job-cancel", args=[job.pk + 1]))

    assert (refused.status_code, missing.status_code) == (404, 404)
    assert refused.json() == missing.json()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING
    assert _cancel(granted_client, job).status_code == 200


def test_anonymous_is_401(api_client):
    assert _cancel(api_client, ExportJobFactory.create()).status_code == 401


def test_a_cancelled_pending_job_never_starts(s3, export_registry):
    job = ExportJobFactory.create(export_name="jobs")
    export_job_cancel(job=job)

    export_job_run(job_id=job.pk, celery_task_id="late")

    job.refresh_from_db()
    assert (job.status, job.started_at, job.celery_task_id) == ("cancelled", None, "")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_running_job_stops_at_its_next_chunk_and_leaves_nothing(
    s3, settings, export_registry, monkeypatch, tmp_path, file_format
):
    monkeypatch.setattr(jobs, "PROGRESS_WRITE_SECONDS", 0)  # beat at every chunk
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ExportJobFactory.create_batch(9)
    job = ExportJobFactory.create(file_format=file_format)
    chunks_written = []

    class CancelledAfterTwoChunks(JobCSVDownloader):
        chunk_size = 2
        celery_progress_row_offset = 2

        def _batch_cells(self, *args, **kwargs):
            chunks_written.append(list(tmp_path.iterdir()))  # the export's temp folder exists
            if len(chunks_written) == 2:
                export_job_cancel(job=ExportJob.objects.get(pk=job.pk))
            return super()._batch_cells(*args, **kwargs)

    export_registry.export_register(job_export(CancelledAfterTwoChunks, name=job.export_name))
    export_job_run(job_id=job.pk, celery_task_id="task-1")

    job.refresh_from_db()
    assert job.status == ExportJob.Status.CANCELLED
    assert len(chunks_written) == 2, "the chunk after the cancel was never read"
    assert chunks_written[0], "the file was being written in a temporary folder"
    assert list(tmp_path.iterdir()) == [], "the temporary folder is removed"
    assert s3.client.list_objects_v2(Bucket=settings.EXPORTS_S3_BUCKET)["KeyCount"] == 0
    assert (job.file_key, job.row_count) == ("", 0)


def test_a_job_cancelled_after_its_last_chunk_uploads_nothing(s3, settings, export_registry):
    job = ExportJobFactory.create()

    class CancelledAtTheEnd(JobCSVDownloader):
        def generate_csv_lines(self):
            yield from super().generate_csv_lines()
            export_job_cancel(job=ExportJob.objects.get(pk=job.pk))

    export_registry.export_register(job_export(CancelledAtTheEnd, name=job.export_name))
    export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.CANCELLED
    assert s3.client.list_objects_v2(Bucket=settings.EXPORTS_S3_BUCKET)["KeyCount"] == 0
