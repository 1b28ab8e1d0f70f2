"""Faults during an export: the cache Redis stopped, the S3 server stopped, the worker killed.

Each test stops one process of the stack and starts it again before it ends, pass or fail.
The broker (the machine's Redis) and PostgreSQL are never stopped.
"""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import STALE_AFTER_SECONDS
from tests.e2e.flows import (
    count,
    download,
    export_temp_files,
    finished,
    poll_until,
    progress_trace,
    start_export,
    stream_export,
    writing,
)

pytestmark = pytest.mark.e2e

# The messages the export module gives (apps/common/exports/services.py).
STALE_FAILURE = "The export stopped without finishing (its worker was lost). Start it again."


def cache_failures_logged(e2e) -> int:
    """Cache calls the worker logged as failed: by set_progress, or by django-redis when it is
    set to ignore exceptions."""
    log = e2e.log("worker")
    return log.count("Could not record progress of export task") + log.count("Exception ignored")


def test_export_completes_while_the_cache_redis_is_stopped(e2e):
    query = "status=paid"
    expected = count(e2e.admin, query)
    failures_before = cache_failures_logged(e2e)
    # As staff who may not unmask: the masked email keeps the export on the Python path, slow
    # enough to be seen (and acted on) part-way; COPY writes these rows in about a second.
    staff = e2e.staff()
    job = start_export(staff, query)
    try:
        before = poll_until(staff, job["status_url"], writing, timeout=60)
        assert before[-1]["status"] == "running", (
            f"the export ended before the cache could be stopped: {before[-1]}"
        )
        e2e.stop("cache")
        stopped = datetime.now(UTC)
        stopped_at = before[-1]
        health = e2e.anonymous.get("/health/")
        during = poll_until(staff, job["status_url"], finished, timeout=180)
    finally:
        e2e.ensure_running("cache")
    final = during[-1]
    file = download(final["download_url"]) if final["download_url"] else None
    body, _ = stream_export(staff, query)
    failures = cache_failures_logged(e2e) - failures_before

    print(
        f"\n[e2e] cache stopped at {stopped_at['percent']}% ({stopped_at['progress']} rows); "
        f"health while down: {health.status} {health.json()['checks']}; "
        f"{len(during)} polls while down: {progress_trace(during)}; "
        f"finished {(datetime.fromisoformat(final['finished_at']) - stopped).total_seconds():.1f}s "
        f"after the cache stopped; {failures} failed cache calls logged by the worker"
    )
    assert health.status == 503 and health.json()["checks"]["cache"].startswith("error")
    assert final["status"] == "succeeded", final
    assert final["row_count"] == expected
    assert datetime.fromisoformat(final["finished_at"]) > stopped, "the export ended before the outage"
    assert file is not None and file.body == body
    assert e2e.anonymous.get("/health/").status == 200


def test_export_fails_readably_without_s3_and_leaves_no_temporary_file(e2e):
    leftovers_before = export_temp_files(e2e)
    query = "status=pending"
    expected = count(e2e.admin, query)
    e2e.stop("s3")
    try:
        started_at = time.monotonic()
        job = start_export(e2e.admin, query)
        statuses = poll_until(e2e.admin, job["status_url"], finished, timeout=180, interval=0.3)
        seconds = time.monotonic() - started_at
    finally:
        e2e.ensure_running("s3")
        e2e.manage("create_export_bucket")  # moto keeps buckets in memory only
    final = statuses[-1]
    leftovers = export_temp_files(e2e)

    print(
        f"\n[e2e] S3 stopped: export of {expected} rows ended {final['status']} after {seconds:.1f}s "
        f"with error {final['error']!r}; {progress_trace(statuses)}; "
        f"export files in the worker's TMPDIR before: {leftovers_before}, after: {leftovers}"
    )
    assert final["status"] == "failed"
    assert final["error"] and "Traceback" not in final["error"] and "botocore" not in final["error"]
    assert final["percent"] < 100
    assert final["download_url"] is None
    assert leftovers == leftovers_before == []
    assert e2e.anonymous.get("/health/").status == 200


def test_job_of_a_killed_worker_is_failed_by_the_stale_job_sweep(e2e):
    """A worker killed mid-export leaves its job `running`, and a redelivery would leave it alone
    (a delivery claims only a pending job). The job's heartbeat stops with the worker, and
    beat's `fail_stale_exports`, every minute, fails it once the heartbeat has been silent for
    EXPORTS_STALE_AFTER, and removes the temp folder the killed worker left. Nothing here calls
    the sweep: the stack's own beat does."""
    # As staff who may not unmask: the masked email keeps the export on the Python path, slow
    # enough to be seen (and acted on) part-way; COPY writes these rows in about a second.
    staff = e2e.staff()
    job = start_export(staff, "status=paid")
    try:
        seen = poll_until(staff, job["status_url"], writing, timeout=60)
        assert seen[-1]["status"] == "running", f"the export ended before the worker was killed: {seen[-1]}"
        e2e.stop("worker", sig=signal.SIGKILL)
        killed = time.monotonic()
        killed_at = seen[-1]
        e2e.start("worker")
        time.sleep(5)  # give the new worker time to (not) pick the job up again
        after_restart = e2e.admin.get(job["status_url"]).json()
        statuses = poll_until(
            e2e.admin, job["status_url"], finished, timeout=STALE_AFTER_SECONDS + 120, interval=1
        )
    finally:
        e2e.ensure_running("worker")
    failed_after = time.monotonic() - killed
    temp_files = export_temp_files(e2e)
    final = statuses[-1]
    # The job stores a failure code; the status endpoint words it in the reader's language.
    in_english = e2e.admin.get(job["status_url"], language="en").json()

    print(
        f"\n[e2e] worker killed at {killed_at['percent']}% ({killed_at['progress']} rows); "
        f"after restart: {after_restart['status']} {after_restart['percent']}%; "
        f"failed by beat's sweep {failed_after:.0f}s after the kill "
        f"(stale after {STALE_AFTER_SECONDS}s, sweep every 60s): {final['error']!r}; "
        f"left in the worker's TMPDIR: {temp_files}"
    )
    assert after_restart["status"] == "running"
    assert {status["status"] for status in statuses[:-1]} <= {"running"}
    assert final["status"] == "failed"
    assert final["error"] and final["error"] != STALE_FAILURE  # the project's language: Korean
    assert in_english["error"] == STALE_FAILURE
    assert final["percent"] < 100
    assert final["download_url"] is None
    assert temp_files == [], "the sweep removes the temp folder the killed worker left"
