"""Starting an export job: the one entry point for every app's background export."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from apps.common.models import ExportJob
from apps.common.tasks import run_export_job

from .query_params import normalize_query_params
from .registry import export_get


@transaction.atomic
def export_job_start(
    *, user: Any, export_name: str, query_params: Mapping[str, Any] | None
) -> ExportJob:
    """Record a pending job for `user` (signed in) and run it in a Celery task once committed.

    The export's name, its filters and its row limit are checked first: bad input raises a
    ValidationError (the API answers 400 with what to fix) and no job is created.
    """
    downloader = export_get(export_name).downloader(user_id=user.pk, query_params=query_params)
    downloader.get_queryset(downloader.queryset)
    job = ExportJob(
        user=user, export_name=export_name, query_params=normalize_query_params(query_params)
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: run_export_job.delay(job.pk))
    return job
