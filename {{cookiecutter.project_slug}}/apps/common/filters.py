"""The FilterSet every app's filters start from: a value that is not understood is a 400.

Two gaps in django-filter's defaults, closed here for every app:

- Its boolean filter reads `?is_exposed=maybe` as "no filter" and returns every row (an export
  would hold the whole table). Here such a value is an error naming the parameter.
- An id beyond the database's integer range (`?user=99999999999999999999`) reaches the database
  and fails there (SQLite raises OverflowError): a 500. Here ids are checked against the range of
  a primary key first, and an id must be a whole number (`?reward=41.5` is a 400).

`StableOrderingFilter` is the ordering backend of every list: an unknown field is a 400, and the
primary key breaks ties, so a list and its export hold one order.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.views import APIView

# The largest value of a BigAutoField (a signed 64-bit integer), the type of every primary key.
MAX_ID = 2**63 - 1

TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})


class StrictBooleanField(forms.Field):
    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError(
            _("Use true or false, not %(value)s."), code="invalid", params={"value": repr(value)}
        )


class StrictBooleanFilter(filters.BooleanFilter):
    """`?flag=true|false` (also 1/0, yes/no); anything else is a 400."""

    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class BoundedModelChoiceField(filter_fields.ModelChoiceField):
    """A related object by its id; an integer id out of a primary key's range matches nothing
    (a 400 like any unknown id) instead of reaching the database, and an id that is not a whole
    number (`?reward=41.5`) is a 400 saying so."""

    def to_python(self, value: Any) -> Any:
        text = str(value).strip()
        if value in self.empty_values:
            return super().to_python(value)
        integer_ids = isinstance(self.queryset.model._meta.pk, models.IntegerField)
        if integer_ids and not text.lstrip("-").isdigit():
            raise forms.ValidationError(
                _("Use the id of one %(model)s, a whole number, not %(value)s."),
                code="invalid_choice",
                params={"model": self.queryset.model._meta.verbose_name, "value": repr(text)},
            )
        if text.lstrip("-").isdigit() and not 0 < int(text) <= MAX_ID:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelChoiceFilter(filters.ModelChoiceFilter):
    """`?reward=3`: one related object by id; unknown or out-of-range ids are a 400."""

    field_class = BoundedModelChoiceField


class IdInFilter(filters.BaseInFilter, filters.NumberFilter):
    """`?id=3,5,8`: whole numbers in a primary key's range, each checked."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def _forward_relation_defaults() -> dict[type[models.Field], dict[str, Any]]:
    defaults = filters.FilterSet.FILTER_DEFAULTS
    return {
        relation: {**defaults[relation], "filter_class": ModelChoiceFilter}
        for relation in (models.ForeignKey, models.OneToOneField)
    }


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet with strict booleans and range-checked related ids."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        **_forward_relation_defaults(),
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


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
