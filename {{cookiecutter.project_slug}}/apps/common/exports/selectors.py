"""Reading export jobs: ownership, and the status a front end polls."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404

from apps.common.models import ExportJob

from .progress import get_progress
from .s3 import S3ClientService


@dataclass(frozen=True)
class ExportJobStatus:
    id: int
    export_name: str
    status: str
    progress: int
    total: int
    percent: int
    row_count: int
    skipped_rows: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None


def export_job_get_for_user(*, job_id: int, user: Any) -> ExportJob:
    """The job if `user` started it or is staff; anyone else gets a 404, not a 403."""
    jobs = ExportJob.objects.all() if user.is_staff else ExportJob.objects.filter(user=user)
    return get_object_or_404(jobs, pk=job_id)


def export_job_status(*, job: ExportJob) -> ExportJobStatus:
    """Progress live from the cache while running; a fresh short-lived link once succeeded."""
    progress, total = job.progress, job.total
    running = job.status == ExportJob.Status.RUNNING
    if running and job.celery_task_id and (live := get_progress(job.celery_task_id)):
        progress, total = live["progress"], live["total"]
    succeeded = job.status == ExportJob.Status.SUCCEEDED
    percent = 100 if succeeded else min(99, progress * 100 // total) if total else 0
    download_url = None
    if succeeded and job.file_key:
        download_url = S3ClientService().presigned_download_url(
            bucket=job.file_bucket,
            key=job.file_key,
            file_name=job.file_name,
            expires_in=settings.EXPORTS_DOWNLOAD_URL_EXPIRY,
        )
    return ExportJobStatus(
        id=job.pk,
        export_name=job.export_name,
        status=job.status,
        progress=progress,
        total=total,
        percent=percent,
        row_count=job.row_count,
        skipped_rows=job.skipped_rows,
        error=job.error_message or None,
        created_at=job.created_at,
        finished_at=job.finished_at,
        download_url=download_url,
    )
