from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&size=M`; `size` is capped so no client can ask for the whole table."""

    page_size = 20
    page_size_query_param = "size"
    max_page_size = 100


class CursorPagination(pagination.CursorPagination):
    """For large lists: constant cost per page however deep, stable while rows are added."""

    page_size = 50
    page_size_query_param = "size"
    max_page_size = 500
    ordering: str | tuple[str, ...] = "-created_at"
