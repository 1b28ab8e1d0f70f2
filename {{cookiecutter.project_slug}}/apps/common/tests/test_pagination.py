from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.common.pagination import PageNumberPagination


def _page_size(query: str) -> int | None:
    request = Request(APIRequestFactory().get(f"/items/?{query}"))
    return PageNumberPagination().get_page_size(request)


def test_size_query_param_sets_the_page_size():
    assert _page_size("size=5") == 5


def test_size_is_capped_at_the_maximum():
    assert _page_size("size=100000") == PageNumberPagination.max_page_size


def test_default_page_size_without_size():
    assert _page_size("") == PageNumberPagination.page_size
