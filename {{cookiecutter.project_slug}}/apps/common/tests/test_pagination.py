from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.common.pagination import PageNumberPagination

ITEMS = list(range(250))


def _page(query: str) -> list[int]:
    request = Request(APIRequestFactory().get(f"/items/?{query}"))
    page = PageNumberPagination().paginate_queryset(ITEMS, request)
    assert page is not None
    return page


def test_size_query_param_sets_the_page_size():
    assert _page("size=5&page=2") == [5, 6, 7, 8, 9]


def test_no_client_gets_more_than_100_rows_a_page():
    assert len(_page("size=100000")) == 100


def test_20_rows_a_page_without_size():
    assert _page("") == list(range(20))
