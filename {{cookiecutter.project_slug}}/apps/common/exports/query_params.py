"""Query parameters as a list screen receives them, and as an export job stores them (JSON)."""

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

StoredParams = dict[str, str | list[str]]


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
