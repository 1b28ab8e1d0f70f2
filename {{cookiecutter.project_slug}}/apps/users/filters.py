from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from apps.common.filters import FilterSet

from .models import User


class UserFilter(FilterSet):
    """`?is_staff=true&is_active=true&joined_after=2025-01-01&joined_before=2025-01-31` (dates in
    the project's time zone, both ends included)."""

    joined = filters.DateFromToRangeFilter(
        field_name="date_joined", label=_("Joined between (joined_after, joined_before: dates)")
    )

    class Meta:
        model = User
        fields = ("is_staff", "is_active")
