import pytest
from django.urls import reverse

from apps.common import health


@pytest.mark.django_db
def test_health_reports_ok_when_database_and_cache_answer(api_client):
    response = api_client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_health_names_the_dependency_that_failed(api_client, monkeypatch):
    def broken_cache() -> None:
        raise ConnectionError("cache is down")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)

    response = api_client.get(reverse("health"))

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "error: ConnectionError: cache is down"
