import socket
import time

import pytest
from django.urls import reverse

from apps.common import health

# Nothing listens on port 1: connecting is refused at once.
CLOSED_REDIS_URL = "redis://127.0.0.1:1/0"

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded_broker(settings):
    """The broker `make run` uses without Redis: kombu's file-system transport."""
    settings.CELERY_BROKER_URL = "filesystem://"


def test_health_is_ok_when_every_dependency_answers(api_client, embedded_broker, s3):
    response = api_client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok", "exports_bucket": "ok"},
    }


def test_health_names_a_broker_that_does_not_answer(api_client, settings, s3):
    settings.CELERY_BROKER_URL = CLOSED_REDIS_URL

    response = api_client.get(reverse("health"))

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"].startswith("error: OperationalError: ")
    assert "127.0.0.1:1" in checks["broker"]
    assert {name: checks[name] for name in ("database", "cache", "exports_bucket")} == {
        "database": "ok",
        "cache": "ok",
        "exports_bucket": "ok",
    }


def test_health_names_a_missing_exports_bucket(api_client, embedded_broker, settings, s3):
    settings.EXPORTS_S3_BUCKET = "no-such-bucket"

    response = api_client.get(reverse("health"))

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["exports_bucket"].startswith("error: ClientError: ")
    assert "HeadBucket" in checks["exports_bucket"]
    assert checks["broker"] == "ok"


def test_health_names_the_dependency_that_failed(api_client, embedded_broker, monkeypatch, s3):
    def broken_cache() -> None:
        raise ConnectionError("cache is down")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)

    response = api_client.get(reverse("health"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "error: ConnectionError: cache is down"


def test_health_gives_up_on_a_silent_s3_endpoint(api_client, embedded_broker, settings):
    """One attempt with a short read timeout, not botocore's 60 s and retries."""
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never replies
        settings.AWS_S3_ENDPOINT_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        response = api_client.get(reverse("health"))
        seconds = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["checks"]["exports_bucket"].startswith("error: ReadTimeoutError: ")
    print(f"\nhealth answered {seconds:.1f}s after asking a silent S3 endpoint")
