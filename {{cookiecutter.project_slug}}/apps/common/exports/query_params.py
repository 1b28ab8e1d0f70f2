"""Query parameters as a list screen receives them, and as an export job stores them (JSON)."""

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from apps.common.access.reasons import REASON_PARAM

from .formats import FORMAT_PARAM

StoredParams = dict[str, str | list[str]]

# The parameters every export takes besides its list's: the file's format, and the reason for
# the download. Neither is a filter: a job records them apart from the list's parameters.
EXPORT_OPTIONS = frozenset({FORMAT_PARAM, REASON_PARAM})


def normalize_query_params(params: Mapping[str, Any] | None) -> StoredParams:
    """A JSON-friendly copy: one value as a string, repeated values (`?a=1&a=2`) as a list."""
    if params is None:
        return {}
    if isinstance(params, QueryDict):
        items = ((key, params.getlist(key)) for key in params)
    else:
        items = (
            (key, list(value) if isinstance(value, list | tuple) else [value])
            for key, value in params.items()
        )
    normalized: StoredParams = {}
    for key, values in items:
        texts = [str(value) for value in values]
        normalized[key] = texts[0] if len(texts) == 1 else texts
    return normalized


def as_query_dict(params: Mapping[str, Any] | None) -> QueryDict:
    """The params as a `QueryDict`, so FilterSets read repeated values as they do from a request."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for key, value in normalize_query_params(params).items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def param_errors(params: StoredParams, accepted: set[str]) -> dict[str, list[str]]:
    """A message for each parameter that carries a control character (PostgreSQL's JSON refuses
    NUL) or that is not one of `accepted`, by name; empty when every one is fine."""
    errors: dict[str, list[str]] = {}
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        if any(_CONTROL_CHARACTER.search(text) for text in [key, *values]):
            errors[key] = [_("Remove the control character (such as NUL) from this parameter.")]
        elif key not in accepted:
            errors[key] = [
                _("This export does not take this parameter; it takes: %(accepted)s.")
                % {"accepted": ", ".join(sorted(accepted)) or "-"}
            ]
    return errors


def without_export_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """The list's parameters alone, without the export's own (`format`, `reason`)."""
    if hasattr(params, "lists"):
        return {key: values for key, values in params.lists() if key not in EXPORT_OPTIONS}
    return {key: value for key, value in params.items() if key not in EXPORT_OPTIONS}
