import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from apps.common.filters import FilterSet, IdInFilter
from apps.users.tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


class UserFilter(FilterSet):
    class Meta:
        model = get_user_model()
        fields = ("is_staff",)


@pytest.mark.parametrize("word", ["true", "True", "1", "yes"])
def test_true_words_filter_on_true(word):
    staff, _ = StaffUserFactory.create(), UserFactory.create()

    filterset = UserFilter({"is_staff": word}, queryset=get_user_model().objects.all())

    assert filterset.is_valid()
    assert list(filterset.qs) == [staff]


@pytest.mark.parametrize("word", ["false", "0", "no"])
def test_false_words_filter_on_false(word):
    _, user = StaffUserFactory.create(), UserFactory.create()

    filterset = UserFilter({"is_staff": word}, queryset=get_user_model().objects.all())

    assert filterset.is_valid()
    assert list(filterset.qs) == [user]


def test_an_empty_value_does_not_filter():
    StaffUserFactory.create(), UserFactory.create()

    filterset = UserFilter({"is_staff": ""}, queryset=get_user_model().objects.all())

    assert filterset.is_valid()
    assert filterset.qs.count() == 2


def test_an_unknown_word_is_an_error_naming_the_value():
    filterset = UserFilter({"is_staff": "maybe"}, queryset=get_user_model().objects.all())

    assert not filterset.is_valid()
    assert filterset.errors["is_staff"] == ["Use true or false, not 'maybe'."]


class LogEntryFilter(FilterSet):
    """A FilterSet over a model with a foreign key: the admin's log entries by user id."""

    class Meta:
        model = LogEntry
        fields = ("user",)


class UserIdFilter(FilterSet):
    id = IdInFilter(field_name="id")

    class Meta:
        model = get_user_model()
        fields = ("id",)


@pytest.mark.parametrize("user_id", ["99999999999999999999", "0", "-4"])
def test_a_related_id_out_of_range_is_an_error_not_a_database_failure(user_id):
    filterset = LogEntryFilter({"user": user_id}, queryset=LogEntry.objects.all())

    assert not filterset.is_valid()
    assert "user" in filterset.errors


def test_a_related_id_in_range_filters():
    user = UserFactory.create()

    filterset = LogEntryFilter({"user": str(user.pk)}, queryset=LogEntry.objects.all())

    assert filterset.is_valid()
    assert list(filterset.qs) == []


def test_an_id_list_filters_on_every_id():
    first, _, third = UserFactory.create(), UserFactory.create(), UserFactory.create()

    filterset = UserIdFilter(
        {"id": f"{first.pk},{third.pk}"}, queryset=get_user_model().objects.order_by("pk")
    )

    assert filterset.is_valid()
    assert list(filterset.qs) == [first, third]


@pytest.mark.parametrize("ids", ["1,99999999999999999999", "0", "1,abc", "1.5"])
def test_an_id_list_with_an_id_out_of_range_or_not_whole_is_an_error(ids):
    filterset = UserIdFilter({"id": ids}, queryset=get_user_model().objects.all())

    assert not filterset.is_valid()
    assert "id" in filterset.errors
