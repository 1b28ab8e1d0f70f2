from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from apps.common.filters import FilterSet, IdInFilter

from .models import MissionRewardLog


class MissionRewardLogFilter(FilterSet):
    """The reward-log filters, shared by the list API, both CSV exports and the admin's async
    export, so every one of them holds the same rows for the same parameters:

    `?user=7&mission=3&reward=2&status=paid&created_after=2025-01-01&created_before=2025-01-31`
    (dates in the project's time zone, both ends included) and `?id=3,5,8`.
    """

    id = IdInFilter(field_name="id", label=_("IDs, comma separated"))
    created = filters.DateFromToRangeFilter(
        field_name="created_at", label=_("Created between (created_after, created_before: dates)")
    )

    class Meta:
        model = MissionRewardLog
        fields = ("user", "mission", "reward", "status")
