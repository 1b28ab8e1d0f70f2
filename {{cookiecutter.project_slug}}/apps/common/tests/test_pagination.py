import base64

import pytest
from django.contrib.auth import get_user_model
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.common.pagination import CursorPagination, PageNumberPagination
from apps.users.tests.factories import UserFactory


def _request(query: str) -> Request:
    return Request(APIRequestFactory().get(f"/items/?{query}"))


def _page_size(query: str) -> int:
    return PageNumberPagination().get_page_size(_request(query))


def test_size_query_param_sets_the_page_size():
    assert _page_size("size=5") == 5


def test_size_is_capped_at_the_maximum():
    assert _page_size("size=100000") == PageNumberPagination.max_page_size


def test_default_page_size_without_size():
    assert _page_size("") == PageNumberPagination.page_size


@pytest.mark.parametrize("size", ["abc", "0", "-3", "1.5", "²"])
def test_a_size_that_is_not_a_positive_whole_number_is_a_400(size):
    with pytest.raises(ValidationError) as error:
        _page_size(f"size={size}")

    assert error.value.detail == {"size": [f"Use a whole number from 1 to 100, not {size!r}."]}


def _forged_cursor(position: str) -> str:
    return base64.b64encode(f"o=0&p={position}".encode()).decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("ordering", "position"), [("id", "abc"), ("-date_joined", "yesterday")])
def test_a_forged_cursor_position_is_a_400(ordering, position):
    UserFactory()
    paginator = CursorPagination()
    paginator.ordering = ordering

    with pytest.raises(ValidationError) as error:
        paginator.paginate_queryset(
            get_user_model().objects.all(), _request(f"cursor={_forged_cursor(position)}")
        )

    assert error.value.detail == {"cursor": ["Invalid cursor: start again from the first page."]}


@pytest.mark.django_db
def test_a_valid_cursor_pages_on():
    users = [UserFactory() for _ in range(3)]
    paginator = CursorPagination()
    paginator.ordering = "id"
    paginator.page_size = 2
    queryset = get_user_model().objects.all()

    first = paginator.paginate_queryset(queryset, _request(""))
    next_query = paginator.get_next_link().split("?", 1)[1]
    second = paginator.paginate_queryset(queryset, _request(next_query))

    assert first == users[:2]
    assert second == users[2:]
