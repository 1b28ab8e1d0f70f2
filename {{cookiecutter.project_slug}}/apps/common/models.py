from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Creation and update timestamps for every table; `created_at` is indexed for date filters."""

    created_at = models.DateTimeField("created at", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("updated at", auto_now=True)

    class Meta:
        abstract = True


class ExportJob(BaseModel):
    """One asynchronous export a user asked for: its state, progress, format and file in S3.

    A job is created `pending`; the task claims it (`running`) and ends it `succeeded` or
    `failed`; its owner may cancel it while pending or running (`cancelled`). Every step is a
    conditional update (see `apps.common.exports.jobs`). Its row holds its progress while it
    runs, and the final figures.
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    export_name = models.CharField(max_length=100)
    query_params = models.JSONField(default=dict, blank=True)
    file_format = models.CharField(max_length=8, choices=Format.choices, default=Format.CSV)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    file_bucket = models.CharField(max_length=63, blank=True)
    file_key = models.CharField(max_length=1024, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    error_message = models.TextField(blank=True)
    celery_task_id = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_every_export", "Can see every user's export jobs and files")]

    def __str__(self) -> str:
        return f"{self.export_name} #{self.pk} ({self.status})"
