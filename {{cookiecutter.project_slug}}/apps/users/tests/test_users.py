import pytest
from django.contrib.auth import get_user_model

from .factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.django_db
def test_factory_user_can_sign_in_to_the_admin(client):
    user = UserFactory(is_staff=True, is_superuser=True)

    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    assert client.get("/admin/users/user/").status_code == 200


def test_project_uses_its_own_user_model():
    assert get_user_model()._meta.label == "users.User"
