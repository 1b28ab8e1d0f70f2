"""The FilterSet every app's filters start from: a value that is not understood is a 400.

django-filter's boolean filter reads `?is_exposed=maybe` as "no filter" and returns every row
(an export would hold the whole table). Here such a value is an error naming the parameter.
"""

from typing import Any

from django import forms
from django.db import models
from django_filters import rest_framework as filters

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
        raise forms.ValidationError(f"Use true or false, not {value!r}.", code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    """`?flag=true|false` (also 1/0, yes/no); anything else is a 400."""

    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet with strict booleans for the model's boolean fields."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }
