"""Celery tasks of the export module: run any registered export by its job id, and the
periodic housekeeping of exports and access records (scheduled in CELERY_BEAT_SCHEDULE)."""

from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready

from apps.common.access.services import access_records_delete_expired
from apps.common.exports.jobs import (
    export_job_run,
    export_jobs_delete_expired,
    export_jobs_fail_stale,
    export_temp_dirs_delete_stale,
)


@shared_task(bind=True, ignore_result=True)
def run_export_job(self: Task, job_id: int) -> None:
    """Write the job's file to S3. The job's row holds the outcome; the result stores nothing
    (a signed link in a result backend would outlive the short-lived links the API hands out)."""
    export_job_run(job_id=job_id, celery_task_id=self.request.id)


@shared_task
def delete_expired_exports() -> int:
    return export_jobs_delete_expired()


@shared_task
def fail_stale_exports() -> int:
    """Fail the jobs of lost workers, and remove the temp folders such workers left here."""
    export_temp_dirs_delete_stale()
    return export_jobs_fail_stale()


@shared_task
def delete_expired_access_records() -> int:
    """The access records' retention sweep: only records older than ACCESS_RECORDS_RETENTION."""
    return access_records_delete_expired()


@worker_ready.connect
def delete_stale_export_temp_dirs(**kwargs: Any) -> None:
    """A worker restarting after a crash removes what the crashed one left in its temp folder."""
    export_temp_dirs_delete_stale()
