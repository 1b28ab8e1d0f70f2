from typing import Protocol

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.common.exports.admin import ExportAdminMixin
from apps.common.imports.admin import ImportAdminMixin

from .exports import MissionCSVDownloader
from .imports import mission_import
from .models import Mission, Reward
from .selectors import MISSION_ORDERING, mission_number
from .services import mission_create, mission_update


class NumberedMission(Protocol):
    """A Mission row annotated with `number` (mission_number())."""

    number: int | None


class RewardWithMissionCount(Protocol):
    """A Reward row annotated with `mission_count`."""

    mission_count: int


class MissionChangeList(ChangeList):
    def get_queryset(
        self, request: HttpRequest, exclude_parameters: list | None = None
    ) -> QuerySet:
        queryset = super().get_queryset(request, exclude_parameters)
        # Number the rows over the ordering the page is sorted by (a column click changes it),
        # with the same expression as the API: the same filters and ordering give a row the
        # same number in both. Nothing is remembered between rows or requests.
        # ChangeList.get_ordering() gives field names and OrderBy terms only; the stubs type
        # Query.order_by with any expression.
        ordering = queryset.query.order_by
        return queryset.annotate(number=mission_number(ordering=ordering))  # type: ignore[arg-type]


@admin.register(Mission)
class MissionAdmin(ImportAdminMixin, ExportAdminMixin, admin.ModelAdmin):
    export_downloader_class = MissionCSVDownloader
    import_spec = mission_import
    list_display: tuple[str, ...] = (
        "number",
        "title",
        "is_exposed",
        "starts_at",
        "ends_at",
        "reward",
        "created_at",
    )
    list_display_links = ("title",)
    list_filter = ("is_exposed", "reward", "starts_at")
    search_fields = ("title", "description", "reward__name")
    list_select_related = ("reward",)
    ordering = MISSION_ORDERING
    readonly_fields = ("created_at", "updated_at")

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return MissionChangeList

    def save_model(self, request: HttpRequest, obj: Mission, form: ModelForm, change: bool) -> None:
        """Save through the services, so the admin writes by the same rules as the API: an edit
        writes only the fields the form changed."""
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            obj.updated_at = mission_update(mission=obj, **changes).updated_at
        else:
            created = mission_create(**form.cleaned_data)
            # The admin goes on with `obj` (history entry, redirect), so it takes the new row's.
            obj.pk = created.pk
            obj.created_at, obj.updated_at = created.created_at, created.updated_at

    @admin.display(description=_("No."))
    def number(self, mission: NumberedMission) -> int | None:
        return mission.number


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display: tuple[str, ...] = ("name", "point", "mission_count", "created_at")
    search_fields = ("name",)
    ordering = ("-created_at", "-id")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reward]:
        return super().get_queryset(request).annotate(mission_count=Count("missions"))

    @admin.display(description=_("missions"), ordering="mission_count")
    def mission_count(self, reward: RewardWithMissionCount) -> int:
        return reward.mission_count
