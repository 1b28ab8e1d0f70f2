"""Starting and cancelling export jobs: the one entry point for every app's background export;
and the access record of every download, job and link (apps/common/access)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import Throttled

from apps.common.access.client import AccessContext
from apps.common.access.masking import may_unmask
from apps.common.access.models import AccessRecord
from apps.common.access.services import record_access
from apps.common.exceptions import ApplicationError
from apps.common.models import ExportJob
from apps.common.tasks import run_export_job

from .downloader import CSVDownloader
from .failures import ExportFailure
from .formats import CSV, file_format_get
from .query_params import StoredParams
from .registry import Export, export_get
from .selectors import ExportJobStatus, export_job_statuses

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
    context: AccessContext | None = None,
    action: str = AccessRecord.Action.JOB_STARTED,
) -> ExportJob:
    """Record a pending job for `user` (signed in) and run it in a Celery task once committed.

    A new job leaves an access record (`action`, by `context`: the request's address and id),
    in the same transaction. `query_params` may hold the export's `reason`, required by an
    export that holds personal data; it is stored on the job, apart from the filters.

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
    reason = export.clean_reason(query_params or {})
    file_format = file_format_get(file_format).name
    downloader = export.downloader(user=user, query_params=filters, file_format=file_format)
    rows = downloader.count_rows()
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
    context = context or AccessContext(user=user)
    job = ExportJob(
        user=user,
        export_name=export_name,
        query_params=filters,
        file_format=file_format,
        reason=reason,
        request_id=context.request_id,
    )
    job.full_clean()
    job.save()
    export_access_record(
        action=action,
        context=context,
        export_name=export.name,
        personal_data=export.holds_personal_data(),
        downloader=downloader,
        row_count=rows,
        reason=reason,
        export_job_id=job.pk,
    )
    transaction.on_commit(lambda: run_export_job.delay(job.pk))
    return job


def export_access_record(
    *,
    action: str,
    context: AccessContext,
    export_name: str,
    personal_data: bool,
    downloader: CSVDownloader,
    row_count: int,
    reason: str = "",
    export_job_id: int | None = None,
    params: Mapping[str, Any] | None = None,
) -> AccessRecord:
    """The access record of a download of `downloader`'s rows: its cleaned parameters unless
    `params` says what was exported (the admin's selected rows)."""
    return record_access(
        action=action,
        context=context,
        export_name=export_name,
        params=params if params is not None else dict(downloader.query_params or {}),
        file_format=downloader.format.name,
        row_count=row_count,
        personal_data=personal_data,
        unmasked=downloader.unmasked,
        reason=reason,
        export_job_id=export_job_id,
    )


def export_job_links_hand_out(
    *, jobs: Sequence[ExportJob], context: AccessContext
) -> list[ExportJobStatus]:
    """The jobs' statuses, and an access record for each freshly signed download link."""
    statuses = export_job_statuses(jobs=jobs)
    for job, job_status in zip(jobs, statuses, strict=True):
        if job_status.download_url is not None:
            _link_record(job=job, context=context)
    return statuses


def _link_record(*, job: ExportJob, context: AccessContext) -> AccessRecord:
    try:
        export: Export | None = export_get(job.export_name)
    except ExportFailure:  # the export is no longer declared: its file may hold anything
        export = None
    return record_access(
        action=AccessRecord.Action.LINK_ISSUED,
        context=context,
        export_name=job.export_name,
        params=job.query_params,
        file_format=job.file_format,
        row_count=job.row_count,
        personal_data=export.holds_personal_data() if export is not None else True,
        # The file was written for its owner: unmasked if they may unmask its masked columns.
        unmasked=export is not None and export.masks_columns() and may_unmask(job.user),
        reason=job.reason,
        export_job_id=job.pk,
    )


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
