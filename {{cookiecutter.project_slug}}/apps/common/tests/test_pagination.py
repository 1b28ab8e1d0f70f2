import base64

import pytest
from django.contrib.auth import get_user_model
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.common.pagination import CursorPagination, PageNumberPagination
from apps.users.tests.factories import UserFactory

ITEMS = list(range(250))


def _request(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/items/?{query}"))


def _page(query: str) -> list[int]:
    # djangorestframework-stubs 3.16 (for Django 5.2) want a QuerySet; DRF takes a list too.
    paginate = PageNumberPagination().paginate_queryset
    page: list[int] | None = paginate(ITEMS, _request(query))  # type: ignore[arg-type, unused-ignore]
    assert page is not None
    return page


def test_size_query_param_sets_the_page_size():
    assert _page("size=5&page=2") == [5, 6, 7, 8, 9]


def test_no_client_gets_more_than_100_rows_a_page():
    assert len(_page("size=100000")) == 100


def test_20_rows_a_page_without_size():
    assert _page("") == list(range(20))


@pytest.mark.parametrize("size", ["abc", "0", "-3", "1.5", "²"])
def test_a_size_that_is_not_a_positive_whole_number_is_a_400(size):
    with pytest.raises(ValidationError) as error:
        _page(f"size={size}")

    assert error.value.detail == {"size": [f"Use a whole number from 1 to 100, not {size!r}."]}


def _forged_cursor(position: str) -> str:
    return base64.b64encode(f"o=0&p={position}".encode()).decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("ordering", "position"), [("id", "abc"), ("-date_joined", "yesterday")])
def test_a_forged_cursor_position_is_a_400(ordering, position):
    UserFactory.create()
    paginator = CursorPagination()
    paginator.ordering = ordering

    with pytest.raises(ValidationError) as error:
        paginator.paginate_queryset(
            get_user_model().objects.all(), _request(f"cursor={_forged_cursor(position)}")
        )

    assert error.value.detail == {"cursor": ["Invalid cursor: start again from the first page."]}


@pytest.mark.django_db
def test_a_valid_cursor_pages_on():
    users = [UserFactory.create() for _ in range(3)]
    paginator = CursorPagination()
    paginator.ordering = "id"
    paginator.page_size = 2
    queryset = get_user_model().objects.all()

    first = paginator.paginate_queryset(queryset, _request(""))
    next_link = paginator.get_next_link()
    assert next_link is not None
    next_query = next_link.split("?", 1)[1]
    second = paginator.paginate_queryset(queryset, _request(next_query))

    assert first == users[:2]
    assert second == users[2:]


@pytest.mark.parametrize("page", ["abc", "0", "-1"])
def test_a_page_that_is_not_a_positive_whole_number_is_a_400(page):
    with pytest.raises(ValidationError) as error:
        _page(f"page={page}")

    assert error.value.detail == {"page": [f"Use a page number of at least 1, not {page!r}."]}
