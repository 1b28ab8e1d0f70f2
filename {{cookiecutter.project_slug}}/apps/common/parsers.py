"""Request parsers: DRF's, with limits that turn hostile bodies into 400s instead of 500s."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No form or API here needs more; deeper JSON is an attack on the recursion limit.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """JSON bodies nested deeper than MAX_JSON_DEPTH are a 400.

    Python's decoder raises RecursionError near a depth of 1,000, which would be a 500; below
    that, code that walks the data recursively could still hit the limit. Checking the depth
    once, without recursion, keeps every view safe.
    """

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(too_deep()) from exc
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(too_deep())
        return data


def too_deep() -> str:
    return _("JSON is nested too deeply (at most %(levels)s levels).") % {"levels": MAX_JSON_DEPTH}


def json_depth(data: Any) -> int:
    """How many arrays and objects deep `data` goes (a scalar is 0), walked without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        pending.extend((child, depth + 1) for child in children)
    return deepest
