"""Periodic housekeeping of CSV exports (scheduled in CELERY_BEAT_SCHEDULE)."""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from apps.common.exports.services import (
    export_jobs_delete_expired,
    export_jobs_fail_stale,
    export_temp_dirs_delete_stale,
)


@shared_task
def delete_expired_exports() -> int:
    return export_jobs_delete_expired()


@shared_task
def fail_stale_exports() -> int:
    """Fail the jobs of lost workers, and remove the temp folders such workers left here."""
    export_temp_dirs_delete_stale()
    return export_jobs_fail_stale()


@worker_ready.connect
def delete_stale_export_temp_dirs(**kwargs: Any) -> None:
    """A worker restarting after a crash removes what the crashed one left in its temp folder."""
    export_temp_dirs_delete_stale()
