from collections.abc import Sequence
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.views import APIView

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


class StableOrderingFilter(OrderingFilter):
    """`?ordering=title,-starts_at`: an unknown field is a 400, not silently ignored, and the
    primary key always ends the ordering so equal values keep one order across pages."""

    def get_ordering(self, request: Request, queryset: QuerySet, view: APIView) -> Sequence[str]:
        params = request.query_params.get(self.ordering_param, "")
        fields = [term.strip() for term in params.split(",") if term.strip()]
        if not fields:
            return self.get_default_ordering(view) or ()
        valid = self.remove_invalid_fields(queryset, fields, view, request)
        invalid = [term for term in fields if term not in valid]
        if invalid:
            allowed = ", ".join(name for name, _label in self.get_valid_fields(queryset, view))
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Unknown ordering %(terms)s; use %(allowed)s.")
                        % {"terms": repr(", ".join(invalid)), "allowed": allowed}
                    ]
                }
            )
        if not {"id", "-id", "pk", "-pk"} & set(fields):
            fields.append("-id")
        return fields
