"""Export progress in the cache, keyed by Celery task id, for code that polls by task id.

An export job's own progress lives on its row (see `jobs.py`); this is the classic pattern's
channel, kept for callers that know only a task id. A cache outage must never fail an export:
writes and reads log a warning and carry on.
"""

import logging
from typing import TypedDict

from django.core.cache import cache

from apps.common.cache_keys import CacheKey

logger = logging.getLogger(__name__)


class Progress(TypedDict):
    progress: int
    total: int


def set_progress(task_id: str, progress: int, total: int) -> None:
    entry = CacheKey.EXPORT_PROGRESS
    try:
        cache.set(entry.key(task_id), {"progress": progress, "total": total}, entry.timeout)
    except Exception:  # any cache failure is logged, never raised
        logger.warning("Could not record progress of export task %s", task_id, exc_info=True)


def get_progress(task_id: str) -> Progress | None:
    """The last progress written for `task_id`, or None when there is none (or no cache)."""
    try:
        return cache.get(CacheKey.EXPORT_PROGRESS.key(task_id))
    except Exception:  # any cache failure is logged, never raised
        logger.warning("Could not read progress of export task %s", task_id, exc_info=True)
        return None
