from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.pagination import CursorPagination, PageNumberPagination

from .models import Mission
from .selectors import MISSION_ORDERING


class MissionCursorPagination(CursorPagination):
    """`?pagination=cursor`: cursor pages whose window-function `number` stays global.

    ROW_NUMBER() counts the rows left after WHERE, and a cursor is a WHERE condition
    (`created_at < <position>`), so on its own the count would restart at 1 on every next page.
    Going forward, the rows before the page are exactly those the cursor removed: one COUNT of
    the numbered (exposed) ones among them is added to the page's numbers. Going back, the
    cursor keeps every earlier row, so the window's numbers are already the list's.
    """

    ordering: tuple[str, ...] = MISSION_ORDERING

    def paginate_queryset(  # type: ignore[override]  # paginates the missions' QuerySet only
        self, queryset: QuerySet[Mission], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        page = super().paginate_queryset(queryset, request, view)
        cursor = self.cursor
        if page and cursor is not None and cursor.position is not None and not cursor.reverse:
            before = self._numbered_rows_before(queryset, cursor.position)
            for mission in page:
                # `number` is the annotation of mission_list().
                if mission.number is not None:
                    mission.number += before
        return page

    def _numbered_rows_before(self, queryset: QuerySet[Mission], position: str | int) -> int:
        order = self.ordering[0]
        # The cursor kept `field < position` when the list sorts by `-field` and
        # `field > position` when it sorts by `field`; the rows before the page are the rest.
        lookup = "gte" if order.startswith("-") else "lte"
        boundary = {f"{order.lstrip('-')}__{lookup}": position}
        return queryset.filter(is_exposed=True, **boundary).count()


class MissionListPagination(BasePagination):
    """`?pagination=page` (the default: `page`, `size`) or `?pagination=cursor` (`cursor`, `size`).

    One paginator for the view, which hands each request to the one the client chose, so the
    view and its OpenAPI schema see a single class: the schema lists both sets of parameters,
    and `count` is documented as present on page-number pages only.
    """

    modes: dict[str, type[BasePagination]] = {
        "page": PageNumberPagination,
        "cursor": MissionCursorPagination,
    }

    def __init__(self) -> None:
        self.chosen: BasePagination = PageNumberPagination()

    def paginate_queryset(  # type: ignore[override]  # paginates the missions' QuerySet only
        self, queryset: QuerySet[Mission], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        mode = request.query_params.get("pagination", "page")
        if mode not in self.modes:
            raise ValidationError(
                {"pagination": [_("Use one of: %(modes)s.") % {"modes": ", ".join(self.modes)}]}
            )
        self.chosen = self.modes[mode]()
        return self.chosen.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        return self.chosen.get_paginated_response(data)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        page = PageNumberPagination().get_paginated_response_schema(schema)
        page["required"] = ["results"]
        page["properties"]["count"]["description"] = _("On page-number pages only.")
        return page

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        choice = {
            "name": "pagination",
            "required": False,
            "in": "query",
            "description": _("page (the default) or cursor"),
            "schema": {"type": "string", "enum": list(self.modes)},
        }
        page = PageNumberPagination().get_schema_operation_parameters(view)
        cursor = [
            parameter
            for parameter in MissionCursorPagination().get_schema_operation_parameters(view)
            if parameter["name"] == "cursor"
        ]
        return [choice, *page, *cursor]
