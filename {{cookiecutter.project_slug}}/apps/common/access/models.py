"""`AccessRecord`: one access to personal data (a download, a link, an import), append-only.

Nothing changes or deletes a record but the retention sweep (`services`): `save()` of a stored
record, `delete()`, and a queryset's `update()`, `delete()`, `bulk_create()` and `bulk_update()`
raise `AccessRecordsAreAppendOnly`; the admin is read-only; on PostgreSQL a trigger (migration
`common.0005`) refuses UPDATE and DELETE unless the sweep's transaction set
`access_records.sweep` to `on`. The user is stored as an id and a username snapshot, not a
foreign key: a user deleted later leaves their records whole.
"""

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessRecordsAreAppendOnly(Exception):
    """An attempt to change or delete an access record outside the retention sweep."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Access records are append-only: {what} is refused.")


class AccessRecordQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AccessRecordsAreAppendOnly("update()")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AccessRecordsAreAppendOnly("delete()")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        # Each record is chained to the one before it: `services.record_access` writes them.
        raise AccessRecordsAreAppendOnly("bulk_create() (use record_access)")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AccessRecordsAreAppendOnly("bulk_update()")

    def sweep_delete(self) -> int:
        """Delete these records: for the retention sweep only, inside its transaction."""
        return models.QuerySet.delete(self)[0]


class AccessRecord(models.Model):
    class Action(models.TextChoices):
        STREAMED = "streamed", _("Streamed download")
        JOB_STARTED = "job_started", _("Export job started")
        LINK_ISSUED = "link_issued", _("Download link issued")
        ADMIN_STREAMED = "admin_streamed", _("Admin download of selected rows")
        ADMIN_JOB_STARTED = "admin_job_started", _("Admin export job started")
        IMPORT_APPLIED = "import_applied", _("Import applied")

    DOWNLOADS = (
        Action.STREAMED,
        Action.JOB_STARTED,
        Action.LINK_ISSUED,
        Action.ADMIN_STREAMED,
        Action.ADMIN_JOB_STARTED,
    )

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    username = models.CharField(_("username"), max_length=150, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    export_name = models.CharField(_("export or import"), max_length=100)
    export_job_id = models.BigIntegerField(_("export job"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    personal_data = models.BooleanField(_("personal data"), default=False)
    unmasked = models.BooleanField(_("unmasked"), default=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    record_hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-pk"]
        permissions = [
            ("unmask_personal_data", "Can read personal data unmasked, in exports and the API"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.export_name} by {self.username or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AccessRecordsAreAppendOnly("save() of a stored record")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AccessRecordsAreAppendOnly("delete()")
