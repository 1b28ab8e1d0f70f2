"""Token login for a front end, the 401 challenge, logout, and no Basic auth."""

import base64

import pytest
from django.core.cache import cache
from django.urls import reverse

from .factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("token-obtain")
REFRESH_URL = reverse("token-refresh")
LOGOUT_URL = reverse("logout")
# Any endpoint that needs a signed-in user: an export job the caller cannot see is a 404.
PROTECTED_URL = "/api/exports/999999/"


def login(api_client, user) -> dict:
    response = api_client.post(
        TOKEN_URL, {"username": user.username, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_anonymous_request_gets_401_with_a_bearer_challenge(api_client):
    response = api_client.get(PROTECTED_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_access_token_signs_in_to_the_api(api_client):
    tokens = login(api_client, UserFactory.create())

    response = api_client.get(PROTECTED_URL, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    assert response.status_code == 404


def test_wrong_password_is_a_401_that_says_so(api_client):
    user = UserFactory.create()

    response = api_client.post(
        TOKEN_URL,
        {"username": user.username, "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 401
    assert response.json()["detail"] == "No active account found with the given credentials"


def test_basic_auth_is_not_accepted(api_client):
    user = UserFactory.create()
    credentials = base64.b64encode(f"{user.username}:{DEFAULT_PASSWORD}".encode()).decode()

    response = api_client.get(PROTECTED_URL, HTTP_AUTHORIZATION=f"Basic {credentials}")

    assert response.status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api_client):
    tokens = login(api_client, UserFactory.create())

    refreshed = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")
    replayed = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")

    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"access", "refresh"}
    assert refreshed.json()["refresh"] != tokens["refresh"]
    assert replayed.status_code == 401


def test_logout_blacklists_the_refresh_token(api_client):
    tokens = login(api_client, UserFactory.create())

    logout = api_client.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    refresh = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")

    assert logout.status_code == 200
    assert refresh.status_code == 401


def test_token_endpoint_is_throttled_per_address(api_client, settings):
    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "auth": "2/min"},
    }
    user = UserFactory.create()
    attempt = {"username": user.username, "password": "guess"}

    statuses = [api_client.post(TOKEN_URL, attempt, format="json").status_code for _ in range(3)]
    over = api_client.post(TOKEN_URL, attempt, format="json")

    assert statuses == [401, 401, 429]
    assert over.status_code == 429
    assert int(over["Retry-After"]) > 0
    assert over["Retry-After"] in over.json()["detail"]
