"""Reading export jobs: ownership, and the status a front end polls."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

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
    progress: int
    total: int
    percent: int
    row_count: int
    skipped_rows: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None


def export_job_list_for_user(*, user: Any) -> QuerySet[ExportJob]:
    """The jobs `user` may see: their own, or every job with the permission to see every export.

    Exports hold personal data; least privilege applies to them.
    """
    if user.has_perm(VIEW_EVERY_EXPORT):
        return ExportJob.objects.all()
    return ExportJob.objects.filter(user_id=user.pk)


def export_job_get_for_user(*, job_id: int, user: Any) -> ExportJob:
    """The job if `user` may see it; a 404 otherwise, the same as for a job that does not exist."""
    return get_object_or_404(export_job_list_for_user(user=user), pk=job_id)


def export_job_status(*, job: ExportJob) -> ExportJobStatus:
    """Progress as the job's row holds it; a freshly signed short-lived link once succeeded; the
    failure's message in the active language (the request's)."""
    progress, total = job.progress, job.total
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
        error=failure_message(job.error_code, job.error_params) if job.error_code else None,
        created_at=job.created_at,
        finished_at=job.finished_at,
        download_url=download_url,
    )
