from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from apps.common.filters import FilterSet, ModelChoiceFilter

from .models import Mission, Reward


class MissionFilter(FilterSet):
    """`?is_exposed=true&reward=3&starts_after=2025-01-01&starts_before=2025-01-31&active_at=...`"""

    reward = ModelChoiceFilter(queryset=Reward.objects.all())
    starts = filters.DateFromToRangeFilter(
        field_name="starts_at", label=_("Starts between (starts_after, starts_before: dates)")
    )
    active_at = filters.IsoDateTimeFilter(
        method="filter_active_at", label=_("Running at this moment (ISO 8601)")
    )

    class Meta:
        model = Mission
        fields = ("is_exposed", "reward")

    def filter_active_at(
        self, queryset: QuerySet[Mission], name: str, value: datetime
    ) -> QuerySet[Mission]:
        return queryset.filter(starts_at__lte=value, ends_at__gt=value)
