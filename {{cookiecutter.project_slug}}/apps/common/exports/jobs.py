"""An export job in the worker: claim it, run it, beat, finish it; sweep lost and old jobs.

A job's state only moves forward, each step one conditional UPDATE, never a save() of a stale
object: `pending -> running` (the claim), then `running -> succeeded | failed` (the worker's
finish, or the stale sweep's failure, whichever comes first; the other then changes nothing),
and `pending | running -> cancelled` (its owner, see `export_job_cancel`). A succeeded, failed
or cancelled job never changes again.

Cancelling. A pending job that is cancelled is never claimed. A running one notices at its next
heartbeat (the conditional UPDATE of its progress finds it no longer running) or just before
its upload, whichever comes first: it stops, its temporary folder is removed, nothing is
uploaded, and the row stays as the canceller left it.

Delivery guarantee. Tasks are acknowledged late, but a job runs at most once: a delivery claims
the job only while it is `pending`, so a redelivered message finds it taken and does nothing.
A running job beats: it writes its progress to its row (`updated_at` is the heartbeat) at most
once every `PROGRESS_WRITE_SECONDS` while rows flow, whether or not it runs in a Celery task.
A worker killed mid-export (or a task killed at its hard time limit) stops beating;
`export_jobs_fail_stale` (every minute, from Celery beat) fails every running job silent for
longer than `EXPORTS_STALE_AFTER`. The user sees the failure within minutes and starts again.

The job's row is the one source of its progress. The downloader still writes progress to the
cache under the Celery task id (`set_progress`), for code that polls by task id.
"""

import logging
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from apps.common.exceptions import validation_error_text
from apps.common.models import ExportJob

from .downloader import TEMP_DIR_PREFIX, CSVDownloader, ExportRowError, TooManyRowErrors
from .failures import DETAIL, STALE, TIME_LIMIT, UNEXPECTED, ExportFailure, FailureParams
from .registry import export_get
from .s3 import S3ClientService

logger = logging.getLogger(__name__)

# Often enough for a progress bar, and a heartbeat far more often than EXPORTS_STALE_AFTER.
PROGRESS_WRITE_SECONDS = 1.0
_DELETE_BATCH = 500
# Failures with a message for people; anything else is logged with its traceback.
# The job stores each as a code and parameters (see `failures`), never as text in the worker's
# language: the status endpoint renders the message in the language of each request.
_READABLE_FAILURES = (ValidationError, ExportRowError, TooManyRowErrors, SoftTimeLimitExceeded)


class JobEnded(Exception):
    """The running job was ended by someone else (cancelled, or failed by the stale sweep)."""


def export_job_run(*, job_id: int, celery_task_id: str | None = None) -> None:
    """Run a pending export job: write its file to S3 and record the outcome on the job.

    The job ends `succeeded` or `failed`, whatever the export raises. Bad filters, the row
    limit, bad rows and the soft time limit give a failure code of their own; anything else
    `unexpected`, with the traceback logged and the exception re-raised so Celery records it too.
    Nothing is returned and nothing logged carries the file's link: the status endpoint signs
    a short-lived one on request.
    """
    if not _claim(job_id, celery_task_id):
        logger.warning("Export job %s is not pending; this delivery leaves it alone.", job_id)
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    downloader: CSVDownloader | None = None
    try:
        downloader = export_get(job.export_name).downloader(
            user=job.user,
            query_params=job.query_params,
            celery_task_id=celery_task_id,
            on_progress=_heartbeat(job_id),
            file_format=job.file_format,
        )
        downloader.get_result_as_download_url(before_upload=lambda: _still_running(job_id))
    except JobEnded:
        logger.info("Export job %s was ended while it ran; it stopped, uploading nothing.", job_id)
        return
    except _READABLE_FAILURES as exc:
        logger.info("Export job %s failed: %s", job_id, exc)
        _finish(job_id, downloader, failure=_failure(exc))
        return
    except Exception:
        logger.exception("Export job %s failed unexpectedly", job_id)
        _finish(job_id, downloader, failure=(UNEXPECTED, {}))
        raise
    _finish(job_id, downloader)


def _claim(job_id: int, celery_task_id: str | None) -> bool:
    """pending -> running; False when the job is not pending (taken, or ended)."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING,
        celery_task_id=celery_task_id or "",
        started_at=now,
        updated_at=now,
    )
    return claimed == 1


def _heartbeat(job_id: int) -> Callable[[int, int], None]:
    """Write progress to the running job's row, at most once every `PROGRESS_WRITE_SECONDS`;
    raise `JobEnded` when the row is no longer running (cancelled, or failed by the sweep)."""
    last_beat = time.monotonic()

    def beat(processed: int, total: int) -> None:
        nonlocal last_beat
        if time.monotonic() - last_beat < PROGRESS_WRITE_SECONDS:
            return
        last_beat = time.monotonic()
        beaten = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
            progress=processed, total=total, updated_at=timezone.now()
        )
        if not beaten:
            raise JobEnded(job_id)

    return beat


def _still_running(job_id: int) -> None:
    """Checked once the file is written: a job ended meanwhile uploads nothing."""
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).exists():
        raise JobEnded(job_id)


def _finish(
    job_id: int,
    downloader: CSVDownloader | None,
    *,
    failure: tuple[str, FailureParams] | None = None,
) -> bool:
    """running -> succeeded (no failure) or failed; False when the job had already ended.

    A job the stale sweep failed meanwhile stays failed, and the file of its late worker is
    deleted: no record points to it any more.
    """
    now = timezone.now()
    outcome: dict[str, Any] = {
        "status": ExportJob.Status.FAILED if failure else ExportJob.Status.SUCCEEDED,
        "error_code": failure[0] if failure else "",
        "error_params": failure[1] if failure else {},
        "finished_at": now,
        "updated_at": now,
    }
    if downloader is not None:
        outcome.update(_figures(downloader, failed=failure is not None))
    ended = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(**outcome)
    if ended:
        return True
    logger.warning("Export job %s had already ended; this run's outcome is dropped.", job_id)
    if downloader is not None and downloader.file_key:
        S3ClientService().delete_objects(bucket=downloader.s3_bucket, keys=[downloader.file_key])
    return False


def _figures(downloader: CSVDownloader, *, failed: bool) -> dict[str, Any]:
    processed = downloader.row_count + downloader.skipped_rows
    return {
        "progress": processed,
        "total": (downloader.total or 0) if failed else processed,
        "row_count": downloader.row_count,
        "skipped_rows": downloader.skipped_rows,
        "file_bucket": downloader.s3_bucket if downloader.file_key else "",
        "file_key": downloader.file_key or "",
        "file_name": downloader.file_name or "",
    }


def export_jobs_fail_stale(*, now: datetime | None = None) -> int:
    """Fail running jobs whose heartbeat stopped `EXPORTS_STALE_AFTER` ago: their worker is gone."""
    now = now or timezone.now()
    cutoff = now - settings.EXPORTS_STALE_AFTER
    return ExportJob.objects.filter(status=ExportJob.Status.RUNNING, updated_at__lt=cutoff).update(
        status=ExportJob.Status.FAILED,
        error_code=STALE,
        error_params={},
        finished_at=now,
        updated_at=now,
    )


def export_temp_dirs_delete_stale(*, now: datetime | None = None) -> int:
    """Delete this machine's export temp folders untouched for `EXPORTS_STALE_AFTER`.

    A live export writes its file continuously; a folder that old was left by a killed worker,
    whose job the same silence fails. Returns how many folders were deleted.
    """
    cutoff = (now or timezone.now()).timestamp() - settings.EXPORTS_STALE_AFTER.total_seconds()
    deleted = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_DIR_PREFIX}*"):
        newest = max((path.stat().st_mtime for path in folder.rglob("*")), default=0.0)
        if max(newest, folder.stat().st_mtime) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            deleted += 1
    return deleted


def export_jobs_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the files and records of jobs older than `EXPORTS_RETENTION`; return jobs deleted.

    Files go first, a batch at a time: if S3 fails, the records stay and the next run retries.
    """
    cutoff = (now or timezone.now()) - settings.EXPORTS_RETENTION
    expired = ExportJob.objects.filter(created_at__lt=cutoff).order_by("pk")
    deleted = 0
    s3: S3ClientService | None = None
    while batch := list(expired.values_list("pk", "file_bucket", "file_key")[:_DELETE_BATCH]):
        keys_by_bucket: dict[str, list[str]] = defaultdict(list)
        for _, bucket, key in batch:
            if key:
                keys_by_bucket[bucket].append(key)
        for bucket, keys in keys_by_bucket.items():
            s3 = s3 or S3ClientService()
            s3.delete_objects(bucket=bucket, keys=keys)
        deleted += ExportJob.objects.filter(pk__in=[pk for pk, _, _ in batch]).delete()[0]
    return deleted


def _failure(exc: Exception) -> tuple[str, FailureParams]:
    """The failure's code and parameters, as the job stores them (no traceback, no language)."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return TIME_LIMIT, {}
    if isinstance(exc, ExportFailure | ExportRowError | TooManyRowErrors):
        return exc.failure_code, exc.failure_params
    if isinstance(exc, ValidationError):
        return DETAIL, {"detail": validation_error_text(exc.detail)}
    return DETAIL, {"detail": str(exc)}
