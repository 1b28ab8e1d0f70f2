import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from apps.users.auth import request_user

from .factories import UserFactory


@pytest.mark.django_db
def test_a_superuser_signs_in_to_the_admin_and_lists_users(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "s3cret-pass")

    assert client.login(username="boss", password="s3cret-pass")
    response = client.get("/admin/users/user/")
    assert list(response.context["cl"].result_list) == [user]


def test_project_uses_its_own_user_model():
    assert get_user_model()._meta.label == "users.User"


@pytest.mark.django_db
def test_request_user_is_the_signed_in_user(rf):
    request = rf.get("/")
    request.user = UserFactory.create()

    assert request_user(request) == request.user


def test_request_user_refuses_an_anonymous_request(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied, match="Sign in"):
        request_user(request)
