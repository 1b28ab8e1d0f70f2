from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.common.pagination import CursorPagination

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
                # `number` is the annotation of mission_list(), which the stubs cannot see.
                if mission.number is not None:  # type: ignore[attr-defined]
                    mission.number += before  # type: ignore[attr-defined]
        return page

    def _numbered_rows_before(self, queryset: QuerySet[Mission], position: str | int) -> int:
        order = self.ordering[0]
        # The cursor kept `field < position` when the list sorts by `-field` and
        # `field > position` when it sorts by `field`; the rows before the page are the rest.
        lookup = "gte" if order.startswith("-") else "lte"
        boundary = {f"{order.lstrip('-')}__{lookup}": position}
        return queryset.filter(is_exposed=True, **boundary).count()
