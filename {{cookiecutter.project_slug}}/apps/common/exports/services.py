"""Export jobs: start one after commit, run it in its Celery task, sweep and delete old ones.

Delivery guarantee. Tasks are acknowledged late, but a job runs at most once: a delivery claims
the job only while it is `pending`, so a redelivered message finds it taken and does nothing.
A running job beats: it writes its progress to its row at least every tenth of
`EXPORTS_STALE_AFTER` while rows flow. A worker killed mid-export (or a task killed at its hard
time limit) stops beating; `export_jobs_fail_stale` (every minute, from Celery beat) fails every
running job silent for longer than `EXPORTS_STALE_AFTER`. The user sees the failure within
minutes and starts the export again.
"""

import logging
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from apps.common.exceptions import validation_error_text
from apps.common.models import ExportJob

from .downloader import TEMP_DIR_PREFIX, CSVDownloader, ExportRowError
from .query_params import normalize_query_params
from .s3 import S3ClientService

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "The export failed unexpectedly. Try again; if it fails again, contact support."
)
TIME_LIMIT_FAILURE = "The export took longer than the time limit. Narrow the filters and try again."
STALE_FAILURE = "The export stopped without finishing (its worker was lost). Start it again."
_DELETE_BATCH = 500


class Enqueueable(Protocol):
    def delay(self, *args: Any, **kwargs: Any) -> Any: ...


def export_job_start(
    *, user: Any, export_name: str, query_params: Mapping[str, Any] | None, task: Enqueueable
) -> ExportJob:
    """Record a pending job for `user` and enqueue `task.delay(job.pk)` once it is committed."""
    job = ExportJob(
        user=user, export_name=export_name, query_params=normalize_query_params(query_params)
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def run_export_job(
    *,
    job_id: int,
    celery_task_id: str | None,
    downloader_class: type[CSVDownloader],
    queryset: QuerySet,
) -> dict[str, str | None]:
    """Run one export job inside its task; return `{"file_url": url}` (None when not run or failed).

    The job ends `succeeded` or `failed`, whatever the export raises. Bad filters, the row limit,
    a bad row and the soft time limit give a readable message; anything else a generic one, with
    the traceback logged and the exception re-raised so Celery records the failure too.
    """
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING,
        celery_task_id=celery_task_id or "",
        started_at=now,
        updated_at=now,
    )
    if not claimed:
        logger.warning("Export job %s is not pending; this delivery leaves it alone.", job_id)
        return {"file_url": None}
    job = ExportJob.objects.get(pk=job_id)
    downloader: CSVDownloader | None = None
    try:
        downloader = downloader_class(
            user_id=job.user_id,
            queryset=queryset,
            query_params=job.query_params,
            celery_task_id=celery_task_id,
            on_progress=_heartbeat(job_id),
        )
        url = downloader.get_result_as_download_url()
    except (ValidationError, ExportRowError, SoftTimeLimitExceeded) as exc:
        logger.info("Export job %s failed: %s", job_id, exc)
        _finish(job, downloader, error_message=_readable(exc))
        return {"file_url": None}
    except Exception:
        logger.exception("Export job %s failed unexpectedly", job_id)
        _finish(job, downloader, error_message=UNEXPECTED_FAILURE)
        raise
    _finish(job, downloader)
    return {"file_url": url}


def export_jobs_fail_stale(*, now: datetime | None = None) -> int:
    """Fail running jobs whose heartbeat stopped `EXPORTS_STALE_AFTER` ago: their worker is gone."""
    now = now or timezone.now()
    cutoff = now - settings.EXPORTS_STALE_AFTER
    return ExportJob.objects.filter(status=ExportJob.Status.RUNNING, updated_at__lt=cutoff).update(
        status=ExportJob.Status.FAILED, error_message=STALE_FAILURE, finished_at=now, updated_at=now
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


def _heartbeat(job_id: int) -> Callable[[int, int], None]:
    """Record progress on the job's row (its `updated_at` is the heartbeat), throttled so a
    fast export writes a handful of rows, not one per progress report."""
    interval = settings.EXPORTS_STALE_AFTER.total_seconds() / 10
    last_beat = time.monotonic()

    def beat(processed: int, total: int) -> None:
        nonlocal last_beat
        if time.monotonic() - last_beat < interval:
            return
        last_beat = time.monotonic()
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
            progress=processed, total=total, updated_at=timezone.now()
        )

    return beat


def _finish(job: ExportJob, downloader: CSVDownloader | None, *, error_message: str = "") -> None:
    job.status = ExportJob.Status.FAILED if error_message else ExportJob.Status.SUCCEEDED
    job.error_message = error_message
    job.finished_at = timezone.now()
    if downloader is not None:
        processed = downloader.row_count + downloader.skipped_rows
        job.progress = processed
        job.total = processed if not error_message else downloader.total or 0
        job.row_count = downloader.row_count
        job.skipped_rows = downloader.skipped_rows
        job.file_bucket = downloader.s3_bucket or ""
        job.file_key = downloader.file_key or ""
        job.file_name = downloader.file_name or ""
    job.save()


def _readable(exc: Exception) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return TIME_LIMIT_FAILURE
    if isinstance(exc, ValidationError):
        return validation_error_text(exc.detail)
    return str(exc)
