from typing import Protocol

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.common.exceptions import ApplicationError
from apps.common.exports.admin import ExportAdminMixin
from apps.missions.admin import MissionAdmin, RewardAdmin
from apps.missions.models import Mission, Reward

from .exports import MissionRewardLogCSVDownloader
from .models import MissionRewardLog
from .selectors import REWARD_LOG_ORDERING, reward_log_list, reward_log_paid_totals
from .services import reward_log_pay


@admin.register(MissionRewardLog)
class MissionRewardLogAdmin(ExportAdminMixin, admin.ModelAdmin):
    export_downloader_class = MissionRewardLogCSVDownloader
    list_display = ("id", "user", "mission", "reward", "status", "point", "paid_at", "created_at")
    list_filter = ("status", "mission", "reward", ("created_at", admin.DateFieldListFilter))
    search_fields = ("user__username", "user__email", "mission__title", "memo")
    raw_id_fields = ("user", "mission", "reward")
    readonly_fields = ("created_at", "updated_at")
    ordering = REWARD_LOG_ORDERING
    # A large log table: skip the second COUNT(*) of the whole table on every page.
    show_full_result_count = False
    actions = ("mark_paid",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[MissionRewardLog]:
        return reward_log_list()

    @admin.action(description=_("Mark selected pending rewards as paid"))
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[MissionRewardLog]) -> None:
        paid, refused = 0, 0
        for reward_log in queryset:
            try:
                reward_log_pay(reward_log=reward_log)
            except ApplicationError:
                refused += 1
            else:
                paid += 1
        self.message_user(
            request,
            gettext("%(paid)s paid; %(refused)s were not pending and stay as they were.")
            % {"paid": paid, "refused": refused},
        )


class PaidTotalsRow(Protocol):
    """A Mission or Reward row annotated by reward_log_paid_totals()."""

    paid_count: int
    paid_point: int


class PaidTotalsColumns:
    """The `paid_count` and `paid_point` columns of rows annotated by reward_log_paid_totals()."""

    @admin.display(description=_("rewards paid"), ordering="paid_count")
    def paid_count(self, row: PaidTotalsRow) -> int:
        return row.paid_count

    @admin.display(description=_("points paid"), ordering="paid_point")
    def paid_point(self, row: PaidTotalsRow) -> str:
        return f"{row.paid_point:,}"


# Reward logs point at missions and rewards, so this app adds their paid totals to the
# missions admin; the missions app itself knows nothing of reward logs.
admin.site.unregister(Mission)
admin.site.unregister(Reward)


@admin.register(Mission)
class MissionWithPaidTotalsAdmin(PaidTotalsColumns, MissionAdmin):
    list_display = (*MissionAdmin.list_display, "paid_count", "paid_point")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mission]:
        return super().get_queryset(request).annotate(**reward_log_paid_totals(per="mission"))


@admin.register(Reward)
class RewardWithPaidTotalsAdmin(PaidTotalsColumns, RewardAdmin):
    list_display = (*RewardAdmin.list_display, "paid_count", "paid_point")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reward]:
        return super().get_queryset(request).annotate(**reward_log_paid_totals(per="reward"))
