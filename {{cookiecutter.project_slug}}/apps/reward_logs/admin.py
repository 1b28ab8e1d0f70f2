from typing import Protocol

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled, ValidationError

from apps.common.exceptions import ApplicationError, validation_error_text
from apps.common.exports import ExportRowError, TooManyRowErrors, export_job_start
from apps.common.models import ExportJob
from apps.missions.admin import MissionAdmin, RewardAdmin
from apps.missions.models import Mission, Reward
from apps.users.auth import request_user

from .exports import MissionRewardLogCSVDownloader
from .models import MissionRewardLog
from .selectors import REWARD_LOG_ORDERING, reward_log_list, reward_log_paid_totals
from .services import reward_log_pay


@admin.register(MissionRewardLog)
class MissionRewardLogAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "mission", "reward", "status", "point", "paid_at", "created_at")
    list_filter = ("status", "mission", "reward", ("created_at", admin.DateFieldListFilter))
    search_fields = ("user__username", "user__email", "mission__title", "memo")
    raw_id_fields = ("user", "mission", "reward")
    readonly_fields = ("created_at", "updated_at")
    ordering = REWARD_LOG_ORDERING
    # A large log table: skip the second COUNT(*) of the whole table on every page.
    show_full_result_count = False
    actions = ("mark_paid", "export_csv", "export_xlsx", "export_csv_async", "export_xlsx_async")

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

    @admin.action(description=_("Export selected rows as CSV"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[MissionRewardLog]
    ) -> HttpResponseBase | None:
        return self._export_now(request, queryset, ExportJob.Format.CSV)

    @admin.action(description=_("Export selected rows as XLSX"))
    def export_xlsx(
        self, request: HttpRequest, queryset: QuerySet[MissionRewardLog]
    ) -> HttpResponseBase | None:
        return self._export_now(request, queryset, ExportJob.Format.XLSX)

    @admin.action(description=_("Export selected rows as CSV in the background"))
    def export_csv_async(
        self, request: HttpRequest, queryset: QuerySet[MissionRewardLog]
    ) -> HttpResponseBase | None:
        return self._export_in_background(request, queryset, ExportJob.Format.CSV)

    @admin.action(description=_("Export selected rows as XLSX in the background"))
    def export_xlsx_async(
        self, request: HttpRequest, queryset: QuerySet[MissionRewardLog]
    ) -> HttpResponseBase | None:
        return self._export_in_background(request, queryset, ExportJob.Format.XLSX)

    def _export_now(
        self, request: HttpRequest, queryset: QuerySet[MissionRewardLog], file_format: str
    ) -> HttpResponseBase | None:
        downloader = MissionRewardLogCSVDownloader(
            user_id=request.user.pk, queryset=queryset, file_format=file_format
        )
        try:
            return downloader.get_result_as_streaming_response()
        except ValidationError as error:
            self.message_user(request, validation_error_text(error.detail), messages.ERROR)
        except (ExportRowError, TooManyRowErrors) as error:  # an XLSX is written before it is sent
            self.message_user(request, str(error), messages.ERROR)
        return None

    def _export_in_background(
        self, request: HttpRequest, queryset: QuerySet[MissionRewardLog], file_format: str
    ) -> HttpResponseBase | None:
        # A job stores its rows as filter parameters: here, the selected ids (?id=1,2,3).
        limit = MissionRewardLogCSVDownloader.allow_row_limit
        ids = list(queryset.order_by().values_list("pk", flat=True)[: limit + 1 if limit else None])
        if limit and len(ids) > limit:
            self.message_user(
                request,
                gettext("Select at most %(limit)s rows for one export.") % {"limit": f"{limit:,}"},
                messages.ERROR,
            )
            return None
        try:
            job = export_job_start(
                user=request_user(request),
                export_name=MissionRewardLogCSVDownloader.file_prefix,
                query_params={"id": ",".join(map(str, sorted(ids)))},
                file_format=file_format,
            )
        except ValidationError as error:
            self.message_user(request, validation_error_text(error.detail), messages.ERROR)
            return None
        except Throttled as error:
            self.message_user(request, str(error.detail), messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("%(format)s export") % {"format": job.get_file_format_display()},
            "job": job,
            "row_count": len(ids),
            "status_url": reverse("export-job-detail", args=[job.pk]),
            "cancel_url": reverse("export-job-cancel", args=[job.pk]),
            "changelist_url": reverse("admin:reward_logs_missionrewardlog_changelist"),
        }
        return TemplateResponse(request, "admin/reward_logs/export_progress.html", context)


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
