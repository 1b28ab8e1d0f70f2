"""Liveness and readiness in one endpoint: do the database, the cache, the Celery broker and the
exports bucket answer? Each check that fails is named with its error."""

import uuid
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .exports.s3 import S3ClientService

# A dependency that has not answered within this is reported down: a load balancer polling
# /health/ must get its answer in seconds, not after a client library's own retries.
TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    probe = f"health:{uuid.uuid4().hex}"
    cache.set(probe, "ok", 5)
    if cache.get(probe) != "ok":
        raise RuntimeError("the cache did not return the value just written")
    cache.delete(probe)


def check_broker() -> None:
    """Connect to the broker the web process enqueues export tasks on (one attempt)."""
    with current_app.connection_for_write(
        settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)


def check_exports_bucket() -> None:
    """The exports bucket exists and these credentials may use it (HEAD, one attempt)."""
    client = S3ClientService(timeout_seconds=TIMEOUT_SECONDS).client
    client.head_bucket(Bucket=settings.EXPORTS_S3_BUCKET)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "exports_bucket": check_exports_bucket,
}


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
