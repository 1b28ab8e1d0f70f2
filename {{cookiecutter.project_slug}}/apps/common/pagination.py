from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView


class StrictPageSize:
    """`?size=` must be a whole number of at least 1 (a 400 otherwise), capped at the maximum.

    DRF's own pagination falls back to the default size on `?size=abc`, which hides a client's
    mistake.
    """

    page_size: int | None
    page_size_query_param: str | None
    max_page_size: int | None

    def get_page_size(self, request: Request) -> int | None:
        param = self.page_size_query_param
        raw = request.query_params.get(param) if param else None
        if param is None or raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {
                    param: [
                        _("Use a whole number from 1 to %(max)s, not %(value)s.")
                        % {"max": self.max_page_size, "value": repr(raw)}
                    ]
                }
            )
        return min(size, self.max_page_size) if self.max_page_size else size


class PageNumberPagination(StrictPageSize, pagination.PageNumberPagination):
    """`?page=N&size=M`; `size` is capped so no client can ask for the whole table.

    A page that is not a whole number of at least 1 is a 400; a page past the last one is
    DRF's 404.
    """

    page_size = 20
    page_size_query_param = "size"
    max_page_size = 100

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        page = super().get_page_number(request, paginator)
        if page in self.last_page_strings:
            return page
        try:
            number = int(page)
        except ValueError:
            number = 0
        if number < 1:
            raise ValidationError(
                {
                    self.page_query_param: [
                        _("Use a page number of at least 1, not %(value)s.") % {"value": repr(page)}
                    ]
                }
            )
        return number


class CursorPagination(StrictPageSize, pagination.CursorPagination):
    """For large lists: constant cost per page however deep, stable while rows are added.

    A cursor is base64 that a client can forge: one whose position does not fit the ordering's
    field (`p=abc` on an integer) is a 400, not a 500.
    """

    page_size = 50
    page_size_query_param = "size"
    max_page_size = 500
    ordering: str | tuple[str, ...] = "-created_at"

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        try:
            # djangorestframework-stubs 3.16 (for Django 5.2) take a QuerySet only, 3.18 a list too.
            return super().paginate_queryset(queryset, request, view)  # type: ignore[arg-type, unused-ignore]
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
            raise ValidationError(
                {self.cursor_query_param: [_("Invalid cursor: start again from the first page.")]}
            ) from exc
