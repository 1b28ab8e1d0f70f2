from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.common.models import BaseModel
from apps.missions.models import Mission, Reward


class MissionRewardLog(BaseModel):
    """One reward owed or paid to a user for a mission. `point` is copied from the reward when
    the log is written, so changing a reward later does not rewrite history."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    # The composite indexes below start with each foreign key, so the foreign keys need no
    # index of their own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mission_reward_logs",
        db_index=False,
        verbose_name=_("user"),
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.PROTECT,
        related_name="reward_logs",
        db_index=False,
        verbose_name=_("mission"),
    )
    reward = models.ForeignKey(
        Reward,
        on_delete=models.PROTECT,
        related_name="reward_logs",
        db_index=False,
        verbose_name=_("reward"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    point = models.IntegerField(_("point"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mission reward log")
        verbose_name_plural = _("mission reward logs")
        ordering = ("-created_at", "-id")
        # One index per list filter, each followed by the list's ordering, so a filtered page
        # is read in index order: ?user=, ?mission=, ?reward=, ?status= (+ a created range).
        indexes = [
            models.Index(fields=["user", "-created_at"], name="rewardlog_user_created_idx"),
            models.Index(fields=["mission", "-created_at"], name="rewardlog_mission_created_idx"),
            models.Index(fields=["reward", "-created_at"], name="rewardlog_reward_created_idx"),
            models.Index(fields=["status", "-created_at"], name="rewardlog_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(point__gt=0),
                name="reward_logs_point_positive",
                violation_error_message=_("A reward log's point must be more than 0."),
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="reward_logs_paid_has_paid_at",
                violation_error_message=_("A paid reward log needs the time it was paid."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.mission_id}/{self.user_id} {self.status}"

    def clean(self) -> None:
        errors = {}
        if self.point is not None and self.point <= 0:
            errors["point"] = _("A reward log's point must be more than 0.")
        if self.status == self.Status.PAID and self.paid_at is None:
            errors["paid_at"] = _("A paid reward log needs the time it was paid.")
        if errors:
            raise ValidationError(errors)
