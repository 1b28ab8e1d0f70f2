"""Starting and cancelling export jobs: the one entry point for every app's background export."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import Throttled

from apps.common.exceptions import ApplicationError
from apps.common.models import ExportJob
from apps.common.tasks import run_export_job

from .formats import CSV, file_format_get
from .query_params import StoredParams
from .registry import export_get

# What a client over the cap is told to wait: about how long a typical export takes.
RETRY_AFTER_SECONDS = 30


class TooManyExportJobs(Throttled):
    """The user has as many pending and running jobs as one user may have at once (a 429)."""

    def __init__(self, cap: int) -> None:
        message = ngettext(
            "You already have {cap} export waiting or running, the most one user may have at "
            "once. Wait for it to finish or cancel it, then try again.",
            "You already have {cap} exports waiting or running, the most one user may have at "
            "once. Wait for one to finish or cancel one, then try again.",
            cap,
        ).format(cap=cap)
        super().__init__(wait=RETRY_AFTER_SECONDS, detail=message)
        self.cap = cap

    def __str__(self) -> str:
        return str(self.detail)


@transaction.atomic
def export_job_start(
    *,
    user: Any,
    export_name: str,
    query_params: Mapping[str, Any] | None,
    file_format: str = CSV,
) -> ExportJob:
    """Record a pending job for `user` (signed in) and run it in a Celery task once committed.

    The export's name, its parameters (as its pipeline cleans them: unknown, malformed or
    NUL-carrying ones refused, pagination dropped), the format and the row limit are checked
    first: bad input raises a ValidationError (the API answers 400 with what to fix) and no job
    is created. Only the cleaned parameters are stored. The
    same export with the same filters and format already pending or running for `user` is
    returned instead of a new job; a user with `EXPORTS_MAX_ACTIVE_JOBS_PER_USER` jobs pending
    or running gets `TooManyExportJobs` (a 429).
    """
    export = export_get(export_name)
    filters = export.clean_params(query_params or {})
    file_format = file_format_get(file_format).name
    export.downloader(user=user, query_params=filters, file_format=file_format).count_rows()
    # One start at a time per user: the duplicate check and the cap then see every job.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    active = list(ExportJob.objects.filter(user_id=user.pk, status__in=ExportJob.ACTIVE))
    for job in active:
        if (job.export_name, job.file_format) == (export_name, file_format) and _same_filters(
            job.query_params, filters
        ):
            return job
    cap = settings.EXPORTS_MAX_ACTIVE_JOBS_PER_USER
    if len(active) >= cap:
        raise TooManyExportJobs(cap)
    job = ExportJob(
        user=user, export_name=export_name, query_params=filters, file_format=file_format
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: run_export_job.delay(job.pk))
    return job


def _same_filters(stored: StoredParams, filters: StoredParams) -> bool:
    """The same filters, whatever their order and that of a parameter's repeated values."""

    def canonical(params: StoredParams) -> dict[str, list[str]]:
        return {
            key: sorted(value) if isinstance(value, list) else [value]
            for key, value in params.items()
            if value not in ("", [])
        }

    return canonical(stored) == canonical(filters)


def export_job_cancel(*, job: ExportJob) -> ExportJob:
    """Cancel a pending or running job (one conditional update); return it as it now is.

    A pending job is then never claimed; a running one stops at its next heartbeat and uploads
    nothing. A job that has already ended is an ApplicationError (a 400) saying how it ended.
    """
    now = timezone.now()
    cancelled = ExportJob.objects.filter(pk=job.pk, status__in=ExportJob.ACTIVE).update(
        status=ExportJob.Status.CANCELLED, finished_at=now, updated_at=now
    )
    job.refresh_from_db()
    if not cancelled and job.status != ExportJob.Status.CANCELLED:
        raise ApplicationError(
            _("This export has already ended ({status}): there is nothing to cancel.").format(
                status=job.get_status_display()
            ),
            extra={"status": [job.status]},
        )
    return job
