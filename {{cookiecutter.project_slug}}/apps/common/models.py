from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Access records live in their own package of the common app, `apps.common.access`.
from apps.common.access.models import AccessRecord

__all__ = ["AccessRecord", "BaseModel", "ExportJob"]


class BaseModel(models.Model):
    """Creation and update timestamps for every table; `created_at` is indexed for date filters."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ExportJob(BaseModel):
    """One asynchronous export a user asked for: its state, progress, format and file in S3.

    A job is created `pending`; the task claims it (`running`) and ends it `succeeded` or
    `failed`; its owner may cancel it while pending or running (`cancelled`). Every step is a
    conditional update (see `apps.common.exports.jobs`). Its row holds its progress while it
    runs, and the final figures. A failure is stored as a code and its parameters
    (`apps.common.exports.failures`), rendered in each reader's language.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    ACTIVE = (Status.PENDING, Status.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("user"),
    )
    export_name = models.CharField(_("export name"), max_length=100)
    query_params = models.JSONField(_("filters"), default=dict, blank=True)
    file_format = models.CharField(
        _("format"), max_length=8, choices=Format.choices, default=Format.CSV
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows in the export"), default=0)
    row_count = models.PositiveIntegerField(_("rows in the file"), default=0)
    skipped_rows = models.PositiveIntegerField(_("rows skipped"), default=0)
    file_bucket = models.CharField(_("S3 bucket"), max_length=63, blank=True)
    file_key = models.CharField(_("S3 key"), max_length=1024, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    error_code = models.CharField(_("failure code"), max_length=32, blank=True)
    error_params = models.JSONField(_("failure parameters"), default=dict, blank=True)
    # Why the user asked for the file (see apps.common.access.reasons); not a filter.
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    celery_task_id = models.CharField(_("Celery task id"), max_length=255, blank=True)
    # The id of the request that started the job (apps/common/request_id.py), for its logs.
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]
        permissions = [("view_every_export", "Can see every user's export jobs and files")]

    def __str__(self) -> str:
        return f"{self.export_name} #{self.pk} ({self.status})"
