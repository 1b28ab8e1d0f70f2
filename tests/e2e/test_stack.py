"""The stack itself: every process up, the app healthy over real HTTP, production settings."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_health_reports_database_cache_broker_and_bucket_ok(e2e):
    response = e2e.anonymous.get("/health/")

    assert response.status == 200, response.body
    checks = {"database": "ok", "cache": "ok", "broker": "ok", "exports_bucket": "ok"}
    assert response.json() == {"status": "ok", "checks": checks}


def test_admin_login_page_and_its_static_files_are_served(e2e):
    login = e2e.anonymous.get("/admin/login/")
    css = e2e.anonymous.get("/static/admin/css/base.css")

    assert login.status == 200
    assert b"csrfmiddlewaretoken" in login.body
    assert css.status == 200
    assert b"body" in css.body
