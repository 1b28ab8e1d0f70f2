import logging
import os
import tempfile
from datetime import timedelta

import pytest
from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import ClientError
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws

from apps.common.exports import jobs
from apps.common.exports.failures import failure_message
from apps.common.exports.jobs import (
    export_job_run,
    export_jobs_fail_stale,
    export_temp_dirs_delete_stale,
)
from apps.common.exports.services import export_job_start
from apps.common.models import ExportJob
from apps.common.tasks import delete_expired_exports, fail_stale_exports, run_export_job
from config.celery import app

from .export_helpers import (
    ExplosiveMethodSerializer,
    JobCSVDownloader,
    csv_rows,
    job_export,
    s3_body,
)
from .factories import ExportJobFactory


@pytest.fixture
def run(export_registry):
    """Run an export job as the task does, with `downloader_class` registered under its name."""

    def run(job: ExportJob, downloader_class=JobCSVDownloader, task_id: str = "task-1") -> None:
        export_registry.export_register(job_export(downloader_class, name=job.export_name))
        export_job_run(job_id=job.pk, celery_task_id=task_id)
        job.refresh_from_db()

    return run


@pytest.mark.django_db
def test_the_task_runs_the_job_and_records_its_file_but_stores_no_result(
    user, s3, settings, export_registry, caplog
):
    ExportJobFactory.create_batch(4, status=ExportJob.Status.FAILED)
    job = ExportJobFactory.create(user=user, export_name="jobs", query_params={"status": "failed"})

    with caplog.at_level(logging.INFO):
        result = run_export_job.apply(args=(job.pk,), task_id="task-42")

    job.refresh_from_db()
    assert result.get() is None
    assert run_export_job.ignore_result is True
    assert job.status == ExportJob.Status.SUCCEEDED
    assert (job.row_count, job.skipped_rows, job.progress, job.total) == (4, 0, 4, 4)
    assert job.celery_task_id == "task-42"
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.started_at <= job.finished_at
    assert job.file_bucket == settings.EXPORTS_S3_BUCKET
    assert job.file_key.endswith("/" + job.file_name)
    assert len(csv_rows(s3_body(s3, job.file_bucket, job.file_key))) == 5
    assert (job.error_code, job.error_params) == ("", {})
    assert "Task apps.common.tasks.run_export_job[task-42] succeeded" in caplog.text
    assert "X-Amz-" not in caplog.text
    assert job.file_key not in caplog.text


@pytest.mark.django_db
def test_a_job_of_an_unknown_export_fails_saying_so(s3):
    job = ExportJobFactory.create(export_name="no-such-export")

    export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error_code == "unknown_export"
    assert job.error_params["name"] == "'no-such-export'"
    assert failure_message(job.error_code, job.error_params).startswith(
        "There is no export called 'no-such-export'. Known exports: "
    )


@pytest.mark.django_db
def test_a_job_whose_export_is_no_longer_declared_fails_saying_so(
    staff_user, staff_client, s3, export_registry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = export_job_start(user=staff_user, export_name="jobs", query_params={})
    del export_registry._exports["jobs"]  # a release that no longer declares the export

    for callback in callbacks:
        callback()  # the queued task runs (eagerly), in the release without the export

    job.refresh_from_db()
    assert (job.status, job.error_code) == (ExportJob.Status.FAILED, "unknown_export")
    status = staff_client.get(reverse("export-job-detail", args=[job.pk])).json()
    assert status["error"].startswith("There is no export called 'jobs'. Known exports: ")
    assert s3.client.list_objects_v2(Bucket=settings.EXPORTS_S3_BUCKET)["KeyCount"] == 0


@pytest.mark.django_db
def test_bad_filters_fail_the_job_naming_the_parameters(s3, run):
    job = ExportJobFactory.create(query_params={"status": "nope", "min_progress": "x"})

    run(job)

    assert job.status == ExportJob.Status.FAILED
    assert (job.error_code, job.error_params) == (
        "invalid_filters",
        {"params": ["min_progress", "status"]},
    )
    assert failure_message(job.error_code, job.error_params) == (
        "These filters are not valid any more: min_progress, status. "
        "Check them and start the export again."
    )
    assert job.finished_at is not None


@pytest.mark.django_db
def test_too_many_rows_fail_the_job_stating_the_limit(s3, run):
    ExportJobFactory.create_batch(2)
    job = ExportJobFactory.create()

    class Limited(JobCSVDownloader):
        allow_row_limit = 2

    run(job, Limited)

    assert job.status == ExportJob.Status.FAILED
    assert (job.error_code, job.error_params) == ("row_limit_exceeded", {"rows": 3, "limit": 2})
    assert failure_message(job.error_code, job.error_params) == (
        "This export has 3 rows, more than the limit of 2. Narrow the filters and try again."
    )


@pytest.mark.django_db
def test_a_bad_row_fails_the_job_naming_the_row(s3, run):
    bad = ExportJobFactory.create(export_name="boom")

    class Failing(JobCSVDownloader):
        serializer_class = ExplosiveMethodSerializer

    run(bad, Failing)

    assert bad.status == ExportJob.Status.FAILED
    assert bad.error_code == "row_failed"
    assert bad.error_params["pk"] == str(bad.pk)
    message = failure_message(bad.error_code, bad.error_params)
    assert f"primary key {bad.pk} " in message
    assert "Traceback" not in message


@pytest.mark.django_db
def test_skipped_rows_are_recorded_on_the_job(s3, run):
    ExportJobFactory.create_batch(2)
    job = ExportJobFactory.create(export_name="boom")

    class Skipping(JobCSVDownloader):
        serializer_class = ExplosiveMethodSerializer
        row_error_policy = "skip"
        max_skipped_share = 0.5

    run(job, Skipping)

    assert job.status == ExportJob.Status.SUCCEEDED
    assert (job.row_count, job.skipped_rows) == (2, 1)


@pytest.mark.django_db
@mock_aws
def test_an_unexpected_error_fails_the_job_logs_the_traceback_and_reraises(caplog, run):
    job = ExportJobFactory.create()  # and no bucket: the upload fails

    with (
        caplog.at_level(logging.ERROR, logger="apps.common.exports.jobs"),
        pytest.raises(S3UploadFailedError, match="NoSuchBucket"),
    ):
        run(job)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert (job.error_code, job.error_params) == ("unexpected", {})
    [record] = caplog.records
    assert record.exc_info is not None
    assert str(job.pk) in record.getMessage()


@pytest.mark.django_db
def test_a_downloader_that_cannot_be_built_fails_the_job(s3, run):
    job = ExportJobFactory.create()

    class Broken(JobCSVDownloader):
        def __init__(self, **options):
            super().__init__(**{**options, "queryset": None})

    run(job, Broken)

    assert job.status == ExportJob.Status.FAILED
    assert (job.error_code, job.error_params) == (
        "detail",
        {"detail": "queryset: An export needs a base queryset."},
    )


@pytest.mark.django_db
def test_the_soft_time_limit_fails_the_job_with_its_own_message(s3, run):
    job = ExportJobFactory.create()

    class Slow(JobCSVDownloader):
        def generate_csv_lines(self):
            raise SoftTimeLimitExceeded

    run(job, Slow)

    assert job.status == ExportJob.Status.FAILED
    assert (job.error_code, job.error_params) == ("time_limit", {})


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ExportJob.Status.RUNNING, ExportJob.Status.SUCCEEDED])
def test_a_redelivered_task_leaves_a_job_that_is_not_pending_alone(s3, status, caplog, run):
    job = ExportJobFactory.create(status=status, file_key="earlier/key.csv", celery_task_id="first")

    with caplog.at_level(logging.WARNING, logger="apps.common.exports.jobs"):
        run(job, task_id="second")

    assert (job.status, job.file_key, job.celery_task_id) == (status, "earlier/key.csv", "first")
    assert "is not pending" in caplog.text


@pytest.mark.django_db
def test_a_running_job_beats_its_progress_into_its_row_even_without_a_task_id(
    s3, monkeypatch, export_registry
):
    monkeypatch.setattr(jobs, "PROGRESS_WRITE_SECONDS", 0)  # beat at every progress report
    ExportJobFactory.create_batch(5)
    job = ExportJobFactory.create()
    seen_in_database = []

    class WatchedDownloader(JobCSVDownloader):
        chunk_size = 2
        celery_progress_row_offset = 2

        def generate_csv_lines(self):
            for piece in super().generate_csv_lines():
                row = ExportJob.objects.values_list("progress", "total", "updated_at")
                seen_in_database.append(row.get(pk=job.pk))
                yield piece

    export_registry.export_register(job_export(WatchedDownloader, name=job.export_name))
    export_job_run(job_id=job.pk, celery_task_id=None)
    job.refresh_from_db()

    progress = [(done, total) for done, total, _ in seen_in_database]
    assert progress[-1] == (4, 6)  # the last report before the file is complete
    assert (2, 6) in progress
    beats = [updated_at for *_, updated_at in seen_in_database]
    assert beats == sorted(beats)
    assert beats[0] < beats[-1]
    assert (job.status, job.progress, job.total) == (ExportJob.Status.SUCCEEDED, 6, 6)
    assert job.celery_task_id == ""


def _stale(job: ExportJob, settings) -> None:
    silent_since = timezone.now() - settings.EXPORTS_STALE_AFTER * 2
    ExportJob.objects.filter(pk=job.pk).update(updated_at=silent_since)


@pytest.mark.django_db
def test_a_late_worker_cannot_revive_a_job_the_sweep_failed(s3, settings, export_registry):
    """The sweep first, the slow worker after: the job stays failed, the late file is deleted."""
    job = ExportJobFactory.create()

    class SweptMidway(JobCSVDownloader):
        def generate_csv_lines(self):
            yield from super().generate_csv_lines()
            _stale(job, settings)
            assert export_jobs_fail_stale() == 1

    export_registry.export_register(job_export(SweptMidway, name=job.export_name))
    export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (ExportJob.Status.FAILED, "stale")
    assert (job.file_key, job.row_count) == ("", 0)
    listed = s3.client.list_objects_v2(Bucket=settings.EXPORTS_S3_BUCKET)
    assert listed["KeyCount"] == 0, "the late worker's file belongs to no job: deleted"


@pytest.mark.django_db
def test_the_sweep_cannot_fail_a_job_its_worker_finished(s3, settings, run):
    """The worker first, the sweep after (its stale view of the job notwithstanding)."""
    job = ExportJobFactory.create()
    run(job)
    finished = ExportJob.objects.get(pk=job.pk)
    _stale(job, settings)

    assert export_jobs_fail_stale() == 0

    job.refresh_from_db()
    assert job.status == ExportJob.Status.SUCCEEDED
    assert (job.file_key, job.error_code) == (finished.file_key, "")


@pytest.mark.django_db
def test_running_jobs_whose_heartbeat_stopped_are_failed_by_the_periodic_sweep(settings):
    now = timezone.now()
    silent_for = settings.EXPORTS_STALE_AFTER
    stale = ExportJobFactory.create(
        status=ExportJob.Status.RUNNING, started_at=now - silent_for * 3
    )
    beating = ExportJobFactory.create(
        status=ExportJob.Status.RUNNING, started_at=now - silent_for * 3
    )
    waiting = ExportJobFactory.create(status=ExportJob.Status.PENDING)
    ExportJob.objects.filter(pk__in=[stale.pk, waiting.pk]).update(updated_at=now - silent_for * 2)
    ExportJob.objects.filter(pk=beating.pk).update(updated_at=now - silent_for / 2)

    assert fail_stale_exports.delay().get() == 1

    for job in (stale, beating, waiting):
        job.refresh_from_db()
    assert (stale.status, stale.error_code) == (ExportJob.Status.FAILED, "stale")
    assert stale.finished_at is not None
    assert beating.status == ExportJob.Status.RUNNING
    assert waiting.status == ExportJob.Status.PENDING


def test_temp_folders_left_by_lost_workers_are_deleted(tmp_path, monkeypatch, settings):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    now = timezone.now()
    long_ago = (now - settings.EXPORTS_STALE_AFTER * 2).timestamp()
    left_behind = tmp_path / "csv-export-lost"
    being_written = tmp_path / "csv-export-live"
    someone_elses = tmp_path / "pymp-other"
    for folder in (left_behind, being_written, someone_elses):
        (folder / "export.csv").parent.mkdir()
        (folder / "export.csv").write_text("id\n1\n")
    for folder in (left_behind, someone_elses):
        for path in (folder / "export.csv", folder):
            os.utime(path, (long_ago, long_ago))

    assert export_temp_dirs_delete_stale(now=now) == 1

    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv-export-live", "pymp-other"]


def _job_with_file(s3, bucket: str, key: str, *, age: timedelta) -> ExportJob:
    s3.client.put_object(Bucket=bucket, Key=key, Body=b"x")
    job = ExportJobFactory.create(
        status=ExportJob.Status.SUCCEEDED, file_bucket=bucket, file_key=key
    )
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - age)
    return job


@pytest.mark.django_db
def test_expired_exports_lose_their_files_and_records(s3, settings):
    bucket = settings.EXPORTS_S3_BUCKET
    retention = settings.EXPORTS_RETENTION
    expired = _job_with_file(s3, bucket, "old.csv", age=retention + timedelta(hours=1))
    kept = _job_with_file(s3, bucket, "new.csv", age=retention - timedelta(hours=1))
    failed = ExportJobFactory.create(status=ExportJob.Status.FAILED)
    ExportJob.objects.filter(pk=failed.pk).update(created_at=timezone.now() - retention * 2)

    assert delete_expired_exports.delay().get() == 2

    assert list(ExportJob.objects.values_list("pk", flat=True)) == [kept.pk]
    keys = [item["Key"] for item in s3.client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["new.csv"]
    assert not ExportJob.objects.filter(pk=expired.pk).exists()


@pytest.mark.django_db
def test_records_stay_when_their_files_cannot_be_deleted(s3, settings):
    old = timedelta(days=365)
    _job_with_file(s3, settings.EXPORTS_S3_BUCKET, "old.csv", age=old)
    orphan = ExportJobFactory.create(file_bucket="no-such-bucket", file_key="gone.csv")
    ExportJob.objects.filter(pk=orphan.pk).update(created_at=timezone.now() - old)

    with pytest.raises(ClientError, match="NoSuchBucket"):
        delete_expired_exports.delay().get()

    assert ExportJob.objects.count() == 2


# Importing the tasks runs Celery's Django fix-up, whose system checks ask the database for its
# features on Django 6.
@pytest.mark.django_db
def test_every_beat_task_is_a_registered_task(settings):
    app.loader.import_default_modules()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
