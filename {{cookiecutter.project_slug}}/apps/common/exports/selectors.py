"""Reading export jobs: ownership, and the status a front end polls."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.common.models import ExportJob

from .failures import failure_message
from .s3 import S3ClientService

# Superusers hold every permission; anyone else needs it granted (staff status is not enough).
VIEW_EVERY_EXPORT = "common.view_every_export"


@dataclass(frozen=True)
class ExportJobStatus:
    id: int
    export_name: str
    status: str
    format: str
    progress: int
    total: int
    percent: int
    row_count: int
    skipped_rows: int
    error: str | None
    file_name: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime
    download_url: str | None


def export_job_list_for_user(*, user: Any) -> QuerySet[ExportJob]:
    """The jobs `user` may see: their own, or every job with the permission to see every export.

    Exports hold personal data; least privilege applies to them.
    """
    if user.has_perm(VIEW_EVERY_EXPORT):
        return ExportJob.objects.all()
    return ExportJob.objects.filter(user_id=user.pk)


def export_job_list_own(*, user: Any, status: str | None = None) -> QuerySet[ExportJob]:
    """The jobs `user` started, newest first; only those in `status` when given."""
    # With their user: a download link handed out records whether its file was unmasked.
    jobs = (
        ExportJob.objects.filter(user_id=user.pk)
        .select_related("user")
        .order_by("-created_at", "-pk")
    )
    return jobs if status is None else jobs.filter(status=status)


def export_job_get_for_user(*, job_id: int, user: Any) -> ExportJob:
    """The job if `user` may see it; a 404 otherwise, the same as for a job that does not exist."""
    return get_object_or_404(export_job_list_for_user(user=user), pk=job_id)


def export_job_statuses(*, jobs: Iterable[ExportJob]) -> list[ExportJobStatus]:
    """The status of each job, links signed by one S3 client."""
    s3 = S3ClientService()
    return [export_job_status(job=job, s3=s3) for job in jobs]


def export_job_status(*, job: ExportJob, s3: S3ClientService | None = None) -> ExportJobStatus:
    """Progress as the job's row holds it; a freshly signed short-lived link once succeeded,
    until the retention task deletes the file (`expires_at`); the failure's message in the
    active language (the request's)."""
    progress, total = job.progress, job.total
    succeeded = job.status == ExportJob.Status.SUCCEEDED
    percent = 100 if succeeded else min(99, progress * 100 // total) if total else 0
    expires_at = job.created_at + settings.EXPORTS_RETENTION
    download_url = None
    if succeeded and job.file_key and timezone.now() < expires_at:
        download_url = (s3 or S3ClientService()).presigned_download_url(
            bucket=job.file_bucket,
            key=job.file_key,
            file_name=job.file_name,
            expires_in=settings.EXPORTS_DOWNLOAD_URL_EXPIRY,
        )
    return ExportJobStatus(
        id=job.pk,
        export_name=job.export_name,
        status=job.status,
        format=job.file_format,
        progress=progress,
        total=total,
        percent=percent,
        row_count=job.row_count,
        skipped_rows=job.skipped_rows,
        error=failure_message(job.error_code, job.error_params) if job.error_code else None,
        file_name=job.file_name or None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        expires_at=expires_at,
        download_url=download_url,
    )
