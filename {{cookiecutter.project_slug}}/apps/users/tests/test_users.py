import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from apps.users.auth import request_user

from .factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.django_db
def test_factory_user_can_sign_in_to_the_admin(client):
    user = UserFactory.create(is_staff=True, is_superuser=True)

    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    assert client.get("/admin/users/user/").status_code == 200


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
