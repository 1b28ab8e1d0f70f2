"""Liveness and readiness in one endpoint: is the database reachable, is the cache?"""

import uuid

from django.core.cache import cache
from django.db import connection


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    probe = f"health:{uuid.uuid4().hex}"
    cache.set(probe, "ok", 5)
    if cache.get(probe) != "ok":
        raise RuntimeError("the cache did not return the value just written")
    cache.delete(probe)


CHECKS = {"database": check_database, "cache": check_cache}


def run_checks() -> dict[str, str]:
    """Run each check; the value is "ok" or the failure's message."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - a health check reports any failure
            results[name] = f"error: {exc.__class__.__name__}: {exc}"
        else:
            results[name] = "ok"
    return results
