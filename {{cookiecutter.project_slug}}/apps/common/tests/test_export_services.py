import logging
import os
import tempfile
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import ClientError
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.http import QueryDict
from django.utils import timezone, translation
from moto import mock_aws

from apps.common.exports.services import (
    STALE_FAILURE,
    TIME_LIMIT_FAILURE,
    UNEXPECTED_FAILURE,
    export_job_start,
    export_temp_dirs_delete_stale,
    run_export_job,
)
from apps.common.models import ExportJob
from apps.common.tasks import delete_expired_exports, fail_stale_exports
from config.celery import app

from .export_helpers import ExplosiveMethodSerializer, JobCSVDownloader, parse_csv, s3_body
from .factories import ExportJobFactory


@shared_task(bind=True)
def export_jobs_as_csv(self, job_id: int) -> dict:
    """What an app's export task looks like: load by id, call the service."""
    return run_export_job(
        job_id=job_id,
        celery_task_id=self.request.id,
        downloader_class=JobCSVDownloader,
        queryset=ExportJob.objects.all(),
    )


def _run(job: ExportJob, downloader_class=JobCSVDownloader, task_id: str = "task-1") -> dict:
    result = run_export_job(
        job_id=job.pk,
        celery_task_id=task_id,
        downloader_class=downloader_class,
        queryset=ExportJob.objects.all(),
    )
    job.refresh_from_db()
    return result


@pytest.mark.django_db
def test_start_records_a_pending_job_and_enqueues_only_after_commit(
    user, s3, django_capture_on_commit_callbacks
):
    params = QueryDict("statuses=pending&statuses=failed&name=export")

    with django_capture_on_commit_callbacks() as callbacks:
        job = export_job_start(
            user=user, export_name="jobs", query_params=params, task=export_jobs_as_csv
        )

    job.refresh_from_db()
    assert job.status == ExportJob.Status.PENDING
    assert job.query_params == {"statuses": ["pending", "failed"], "name": "export"}
    assert len(callbacks) == 1

    callbacks[0]()

    job.refresh_from_db()
    assert job.status == ExportJob.Status.SUCCEEDED


@pytest.mark.django_db
def test_a_started_job_runs_and_records_its_file(
    user, s3, settings, django_capture_on_commit_callbacks
):
    ExportJobFactory.create_batch(4, status=ExportJob.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_start(
            user=user,
            export_name="jobs",
            query_params={"status": "failed"},
            task=export_jobs_as_csv,
        )

    job.refresh_from_db()
    assert job.status == ExportJob.Status.SUCCEEDED
    assert (job.row_count, job.skipped_rows, job.progress, job.total) == (4, 0, 4, 4)
    assert job.celery_task_id
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.started_at <= job.finished_at
    assert job.file_bucket == settings.EXPORTS_S3_BUCKET
    assert job.file_key.endswith("/" + job.file_name)
    assert len(parse_csv(s3_body(s3, job.file_bucket, job.file_key))) == 5
    assert job.error_message == ""


@pytest.mark.django_db
def test_run_returns_the_file_url(s3):
    job = ExportJobFactory.create()

    result = _run(job)

    assert set(result) == {"file_url"}
    assert urlparse(result["file_url"]).path.endswith("/" + job.file_key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query_params", "message"),
    [
        ({"status": "nope"}, "status: Select a valid choice. nope is not one of the available"),
        ({"min_progress": "x"}, "min_progress: Enter a number."),
    ],
)
def test_bad_filters_fail_the_job_with_a_readable_message(s3, query_params, message):
    job = ExportJobFactory.create(query_params=query_params)

    with translation.override("en"):
        assert _run(job) == {"file_url": None}
    assert job.status == ExportJob.Status.FAILED
    assert job.error_message.startswith(message)
    assert job.finished_at is not None


@pytest.mark.django_db
def test_too_many_rows_fail_the_job_stating_the_limit(s3):
    ExportJobFactory.create_batch(2)
    job = ExportJobFactory.create()

    class Limited(JobCSVDownloader):
        allow_row_limit = 2

    _run(job, Limited)

    assert job.status == ExportJob.Status.FAILED
    assert job.error_message == (
        "This export has 3 rows, more than the limit of 2. Narrow the filters and try again."
    )


@pytest.mark.django_db
def test_a_bad_row_fails_the_job_naming_the_row(s3):
    bad = ExportJobFactory.create(export_name="boom")

    class Failing(JobCSVDownloader):
        serializer_class = ExplosiveMethodSerializer

    _run(bad, Failing)

    assert bad.status == ExportJob.Status.FAILED
    assert f"primary key {bad.pk} " in bad.error_message
    assert "Traceback" not in bad.error_message


@pytest.mark.django_db
def test_skipped_rows_are_recorded_on_the_job(s3):
    ExportJobFactory.create_batch(2)
    job = ExportJobFactory.create(export_name="boom")

    class Skipping(JobCSVDownloader):
        serializer_class = ExplosiveMethodSerializer
        row_error_policy = "skip"

    _run(job, Skipping)

    assert job.status == ExportJob.Status.SUCCEEDED
    assert (job.row_count, job.skipped_rows) == (2, 1)


@pytest.mark.django_db
@mock_aws
def test_an_unexpected_error_fails_the_job_logs_the_traceback_and_reraises(caplog):
    job = ExportJobFactory.create()  # and no bucket: the upload fails

    with (
        caplog.at_level(logging.ERROR, logger="apps.common.exports.services"),
        pytest.raises(S3UploadFailedError, match="NoSuchBucket"),
    ):
        _run(job)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error_message == UNEXPECTED_FAILURE
    [record] = caplog.records
    assert record.exc_info is not None
    assert str(job.pk) in record.getMessage()


@pytest.mark.django_db
def test_a_downloader_that_cannot_be_built_fails_the_job(s3):
    job = ExportJobFactory.create()

    class Broken(JobCSVDownloader):
        def __init__(self, **options):
            super().__init__(**{**options, "queryset": None})

    _run(job, Broken)

    assert job.status == ExportJob.Status.FAILED
    assert job.error_message == "queryset: An export needs a base queryset."


@pytest.mark.django_db
def test_the_soft_time_limit_fails_the_job_with_its_own_message(s3):
    job = ExportJobFactory.create()

    class Slow(JobCSVDownloader):
        def generate_csv_lines(self):
            raise SoftTimeLimitExceeded

    _run(job, Slow)

    assert job.status == ExportJob.Status.FAILED
    assert job.error_message == TIME_LIMIT_FAILURE


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ExportJob.Status.RUNNING, ExportJob.Status.SUCCEEDED])
def test_a_redelivered_task_leaves_a_job_that_is_not_pending_alone(s3, status, caplog):
    job = ExportJobFactory.create(status=status, file_key="earlier/key.csv", celery_task_id="first")

    with caplog.at_level(logging.WARNING, logger="apps.common.exports.services"):
        result = _run(job, task_id="second")

    assert result == {"file_url": None}
    assert (job.status, job.file_key, job.celery_task_id) == (status, "earlier/key.csv", "first")
    assert "is not pending" in caplog.text


@pytest.mark.django_db
def test_a_running_job_beats_its_progress_into_its_row(s3, settings):
    settings.EXPORTS_STALE_AFTER = timedelta(0)  # beat at every progress report
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

    _run(job, WatchedDownloader)

    progress = [(done, total) for done, total, _ in seen_in_database]
    assert progress[-1] == (4, 6)  # the last report before the file is complete
    assert (2, 6) in progress
    beats = [updated_at for *_, updated_at in seen_in_database]
    assert beats == sorted(beats)
    assert beats[0] < beats[-1]
    assert (job.status, job.progress, job.total) == (ExportJob.Status.SUCCEEDED, 6, 6)


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
    assert (stale.status, stale.error_message) == (ExportJob.Status.FAILED, STALE_FAILURE)
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


def test_every_beat_task_is_a_registered_task(settings):
    app.loader.import_default_modules()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
