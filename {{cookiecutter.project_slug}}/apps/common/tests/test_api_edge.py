"""What every API response shares at the edge: CORS, caching headers, throttling, hostile bodies."""

import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.common.parsers import MAX_JSON_DEPTH, json_depth

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("token-obtain")
SCHEMA_URL = reverse("schema")
FRONT_END = "https://front.example.com"


@pytest.fixture
def cors_front_end(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


def preflight(api_client, origin: str):
    return api_client.options(
        TOKEN_URL,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_preflight_from_an_allowed_origin_is_allowed(api_client, cors_front_end):
    response = preflight(api_client, FRONT_END)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]


def test_preflight_from_another_origin_gets_no_cors_headers(api_client, cors_front_end):
    response = preflight(api_client, "https://evil.example.net")

    assert "Access-Control-Allow-Origin" not in response


def test_simple_request_from_an_allowed_origin_carries_the_cors_header(api_client, cors_front_end):
    response = api_client.get("/api/exports/1/", HTTP_ORIGIN=FRONT_END)

    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == FRONT_END


def test_origins_come_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_CORS_ALLOWED_ORIGINS": "https://a.example.com,https://b.example.com",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://a.example.com",
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CORS_ALLOWED_ORIGINS, settings.CSRF_TRUSTED_ORIGINS]))"
    )

    output = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout

    assert json.loads(output.splitlines()[-1]) == [
        ["https://a.example.com", "https://b.example.com"],
        ["https://a.example.com"],
    ]


def test_api_responses_are_never_stored_by_caches(api_client, user_client):
    assert api_client.get("/api/exports/1/")["Cache-Control"] == "no-store"
    assert user_client.get("/api/exports/1/")["Cache-Control"] == "no-store"
    assert "no-store" not in api_client.get("/health/").get("Cache-Control", "")


def test_anonymous_requests_are_throttled_with_retry_after(api_client, settings):
    """Checked after permissions (DRF's order): on endpoints open to anonymous users."""
    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anon": "2/min"},
    }

    statuses = [api_client.get(SCHEMA_URL).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert int(api_client.get(SCHEMA_URL)["Retry-After"]) > 0


def test_user_requests_are_throttled_per_user(user_client, staff_client, settings):
    cache.clear()
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "user": "2/min"},
    }

    statuses = [user_client.get("/api/exports/1/").status_code for _ in range(3)]

    assert statuses == [404, 404, 429]
    assert staff_client.get("/api/exports/1/").status_code == 404


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 2_000, 100_000])
def test_deeply_nested_json_is_a_400(api_client, depth):
    body = "[" * depth + "]" * depth

    response = api_client.post(TOKEN_URL, body, content_type="application/json")

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_json_within_the_depth_limit_is_parsed(api_client):
    body = {"username": "nobody", "password": "x", "extra": json.loads("[" * 20 + "]" * 20)}

    response = api_client.post(TOKEN_URL, body, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("data", "depth"),
    [(1, 0), ([], 1), ({"a": [1, {"b": 2}]}, 3), ([[[[]]], []], 4)],
)
def test_json_depth_counts_nesting(data, depth):
    assert json_depth(data) == depth
