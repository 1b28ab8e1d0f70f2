"""Periodic housekeeping of CSV exports (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from apps.common.exports.services import export_jobs_delete_expired, export_jobs_fail_stale


@shared_task
def delete_expired_exports() -> int:
    return export_jobs_delete_expired()


@shared_task
def fail_stale_exports() -> int:
    return export_jobs_fail_stale()
