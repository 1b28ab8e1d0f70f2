import pytest
from django.contrib.auth import get_user_model

from apps.common.filters import FilterSet
from apps.users.tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


class UserFilter(FilterSet):
    class Meta:
        model = get_user_model()
        fields = ("is_staff",)


@pytest.mark.parametrize("word", ["true", "True", "1", "yes"])
def test_true_words_filter_on_true(word):
    staff, _ = StaffUserFactory(), UserFactory()

    filterset = UserFilter({"is_staff": word}, queryset=get_user_model().objects.all())

    assert filterset.is_valid()
    assert list(filterset.qs) == [staff]


@pytest.mark.parametrize("word", ["false", "0", "no"])
def test_false_words_filter_on_false(word):
    _, user = StaffUserFactory(), UserFactory()

    filterset = UserFilter({"is_staff": word}, queryset=get_user_model().objects.all())

    assert filterset.is_valid()
    assert list(filterset.qs) == [user]


def test_an_empty_value_does_not_filter():
    StaffUserFactory(), UserFactory()

    filterset = UserFilter({"is_staff": ""}, queryset=get_user_model().objects.all())

    assert filterset.is_valid()
    assert filterset.qs.count() == 2


def test_an_unknown_word_is_an_error_naming_the_value():
    filterset = UserFilter({"is_staff": "maybe"}, queryset=get_user_model().objects.all())

    assert not filterset.is_valid()
    assert filterset.errors["is_staff"] == ["Use true or false, not 'maybe'."]
