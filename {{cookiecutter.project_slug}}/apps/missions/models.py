from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.common.models import BaseModel


class Reward(BaseModel):
    """What a user gets for completing a mission: a named amount of points."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    point = models.IntegerField(_("point"), help_text=_("Points paid per completion; more than 0."))

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(point__gt=0),
                name="missions_reward_point_positive",
                violation_error_message=_("A reward's point must be more than 0."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.point:,}P)"

    def clean(self) -> None:
        # The same rule as the check constraint, reported on its field for forms and the API.
        if self.point is not None and self.point <= 0:
            raise ValidationError({"point": _("A reward's point must be more than 0.")})


class Mission(BaseModel):
    """A task shown to users between `starts_at` and `ends_at` once it is exposed."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_exposed = models.BooleanField(_("exposed"), default=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, related_name="missions", verbose_name=_("reward")
    )

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["is_exposed", "-created_at"], name="missions_exposed_created_idx"),
            models.Index(fields=["starts_at", "ends_at"], name="missions_period_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="missions_mission_ends_after_starts",
                violation_error_message=_("A mission must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # The check constraint's rule, attributed to `ends_at`. full_clean() skips the
        # constraint for a field that already failed here, so the message is not doubled.
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A mission must end after it starts.")})
