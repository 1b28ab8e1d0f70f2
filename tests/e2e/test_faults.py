"""Faults during an export: the cache Redis stopped, the S3 server stopped, the worker killed.

Each test stops one process of the stack and starts it again before it ends, pass or fail.
The broker (the machine's Redis) and PostgreSQL are never stopped.
"""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import run
from tests.e2e.conftest import TASK_TIME_LIMIT
from tests.e2e.flows import (
    count,
    download,
    finished,
    poll_until,
    progress_trace,
    start_export,
    stream_export,
    wait_for,
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


def export_temp_files(e2e) -> list[str]:
    """What exports wrote in the worker's TMPDIR (`csv-export-*` folders); Celery's pool keeps
    a `pymp-*` folder of its own there."""
    return sorted(
        str(path.relative_to(e2e.worker_tmp))
        for path in e2e.worker_tmp.rglob("*")
        if not path.relative_to(e2e.worker_tmp).parts[0].startswith("pymp-")
    )


def test_export_completes_while_the_cache_redis_is_stopped(e2e):
    query = "status=paid"
    expected = count(e2e.admin, query)
    failures_before = cache_failures_logged(e2e)
    job = start_export(e2e.admin, query)
    try:
        before = poll_until(e2e.admin, job["status_url"], writing, timeout=60)
        assert before[-1]["status"] == "running", (
            f"the export ended before the cache could be stopped: {before[-1]}"
        )
        e2e.stop("cache")
        stopped = datetime.now(UTC)
        stopped_at = before[-1]
        health = e2e.anonymous.get("/health/")
        during = poll_until(e2e.admin, job["status_url"], finished, timeout=180)
    finally:
        e2e.ensure_running("cache")
    final = during[-1]
    file = download(final["download_url"]) if final["download_url"] else None
    body, _ = stream_export(e2e.admin, query)
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
    """A worker killed mid-export leaves its job `running`; a redelivery would leave it alone
    (a delivery claims only a pending job). Beat's `fail_stale_exports` fails every job running
    for longer than the task time limit. Beat sends it every 10 minutes; here the suite sends the
    same task through the broker once the limit has passed, rather than wait for the clock."""
    job = start_export(e2e.admin, "status=paid")
    try:
        seen = poll_until(e2e.admin, job["status_url"], writing, timeout=60)
        assert seen[-1]["status"] == "running", f"the export ended before the worker was killed: {seen[-1]}"
        e2e.stop("worker", sig=signal.SIGKILL)
        killed_at = seen[-1]
        e2e.start("worker")
        restarted = time.monotonic()
        time.sleep(5)  # give the new worker time to (not) pick the job up again
        after_restart = e2e.admin.get(job["status_url"]).json()
    finally:
        e2e.ensure_running("worker")
    temp_files = export_temp_files(e2e)

    created = datetime.fromisoformat(after_restart["created_at"])
    # The job started a moment after it was created: wait past the limit, with a margin.
    wait_for(
        lambda: (datetime.now(created.tzinfo) - created).total_seconds() > TASK_TIME_LIMIT + 5,
        timeout=TASK_TIME_LIMIT + 30,
        what="the task time limit to pass",
        interval=1,
    )
    still_running = e2e.admin.get(job["status_url"]).json()
    run(
        [e2e.python, "-m", "celery", "-A", "config", "call", "apps.common.tasks.fail_stale_exports"],
        e2e.project,
        env=e2e.env,
        timeout=60,
    )
    final = poll_until(e2e.admin, job["status_url"], finished, timeout=60, interval=0.5)[-1]
    schedule = e2e.manage(
        "shell",
        "--no-imports",
        "-c",
        "from config.celery import app; print(app.conf.beat_schedule['fail-stale-exports'])",
    )

    print(
        f"\n[e2e] worker killed at {killed_at['percent']}% ({killed_at['progress']} rows); "
        f"after restart: {after_restart['status']} {after_restart['percent']}%; "
        f"{TASK_TIME_LIMIT}s later: {still_running['status']}; after the sweep "
        f"({time.monotonic() - restarted:.0f}s after the restart): {final['status']}, {final['error']!r}; "
        f"left in the worker's TMPDIR: {temp_files}; beat: {schedule.strip()}"
    )
    assert after_restart["status"] == "running"
    assert still_running["status"] == "running"
    assert final["status"] == "failed"
    assert final["error"] == STALE_FAILURE
    assert final["percent"] < 100 and final["download_url"] is None
    assert "apps.common.tasks.fail_stale_exports" in schedule
