"""What the end-to-end scenarios share: reading CSV and XLSX, paging a list, polling an export
job."""

from __future__ import annotations

import io
import itertools
import re
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from tools.client import ApiClient, Response

BOM = "\ufeff".encode()
FINAL = ("succeeded", "failed", "cancelled")
STATES = ("pending", "running", "succeeded")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAKE_TIME_ZONE = ZoneInfo("Asia/Seoul")  # the default bake's TIME_ZONE


def list_all(client: ApiClient, path: str, query: str, max_pages: int = 100) -> list[dict]:
    """Every row of a paginated list API, following `next` links (a bounded number of pages)."""
    url: str | None = f"{path}?{query}&size=100"
    rows: list[dict] = []
    for _ in range(max_pages):
        if url is None:
            return rows
        response = client.get(url)
        assert response.status == 200, f"{url}: HTTP {response.status} {response.body[:300]!r}"
        page = response.json()
        rows.extend(page["results"])
        url = page["next"]
    raise AssertionError(f"{path}?{query} has more than {max_pages} pages")


def count(client: ApiClient, query: str) -> int:
    response = client.get(f"/api/reward-logs/?{query}&size=1")
    assert response.status == 200, response.body[:300]
    return response.json()["count"]


REWARD_LOG_EXPORT = "/api/reward-logs/export/"


def stream_export(client: ApiClient, query: str, path: str = REWARD_LOG_EXPORT) -> tuple[bytes, float]:
    started = time.monotonic()
    response = client.get(f"{path}?{query}", timeout=300)
    assert response.status == 200, f"streaming export: HTTP {response.status} {response.body[:300]!r}"
    assert response.headers["Content-Type"].startswith("text/csv"), response.headers
    assert response.body.startswith(BOM), f"no UTF-8 BOM at the start of {response.body[:20]!r}"
    return response.body, time.monotonic() - started


def start_export(client: ApiClient, query: str, path: str = REWARD_LOG_EXPORT) -> dict:
    response = client.post(f"{path}?{query}")
    assert response.status == 202, f"async export: HTTP {response.status} {response.body[:300]!r}"
    started = response.json()
    assert started["status"] == "pending" and started["status_url"].endswith(f"/{started['job_id']}/")
    assert response.headers["Location"] == started["status_url"]
    return started


def poll_until(
    client: ApiClient,
    status_url: str,
    done: Callable[[dict], bool],
    timeout: float = 120,
    interval: float = 0.1,
) -> list[dict]:
    """Poll a job's status until `done(status)`; return every status seen (each one an HTTP 200)."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(status_url)
        assert response.status == 200, f"status URL: HTTP {response.status} {response.body[:300]!r}"
        seen.append(response.json())
        if done(seen[-1]):
            return seen
        time.sleep(interval)
    raise AssertionError(f"no wanted status within {timeout:.0f}s; last seen {seen[-1:]}")


def finished(status: dict) -> bool:
    return status["status"] in FINAL


def writing(status: dict) -> bool:
    """Running with rows already written (or already over, so a caller can tell)."""
    return (status["status"] == "running" and status["progress"] > 0) or finished(status)


def assert_progress_monotonic(statuses: list[dict]) -> None:
    """State, rows written and percent never go back; 100% only in the final, succeeded status."""
    for before, after in itertools.pairwise(statuses):
        assert STATES.index(after["status"]) >= STATES.index(before["status"]), (before, after)
        assert after["progress"] >= before["progress"], (before, after)
        assert after["percent"] >= before["percent"], (before, after)
    for status in statuses[:-1]:
        assert status["percent"] < 100, status
        assert status["download_url"] is None, status
    assert statuses[-1]["percent"] == 100, statuses[-1]


def progress_trace(statuses: list[dict]) -> str:
    """The distinct (state, percent, rows) steps seen, for the log: pending 0% -> running 12% ..."""
    steps: list[str] = []
    for status in statuses:
        step = f"{status['status']} {status['percent']}% ({status['progress']}/{status['total']})"
        if not steps or steps[-1] != step:
            steps.append(step)
    if len(steps) > 9:
        steps = [*steps[:4], f"... {len(steps) - 8} more steps ...", *steps[-4:]]
    return " -> ".join(steps)


def download(url: str, timeout: float = 120) -> Response:
    """GET a presigned S3 URL with a plain HTTP client: no cookie, no credentials."""
    assert url.startswith("http://127.0.0.1:"), url
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return Response(response.status, dict(response.headers), response.read())


def xlsx_sheet(body: bytes) -> Any:
    """The (only) sheet of an XLSX file, opened with openpyxl."""
    return openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]


def assert_same_cells(csv_file: list[list[str]], sheet: Any) -> None:
    """The sheet holds the CSV's rows and cells: text equal (the CSV's `'` before formula-like
    text aside), numbers and dates by value (a datetime in the CSV is the sheet's wall-clock
    time in the bake's time zone: to the second as local text, to Excel's millisecond as ISO)."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == len(csv_file), (len(rows), len(csv_file))
    for number, (texts, values) in enumerate(zip(csv_file, rows, strict=True)):
        for text, value in zip(texts, values, strict=True):
            assert _same_cell(text, value), f"row {number}: {text!r} (CSV) != {value!r} (XLSX)"


def _same_cell(text: str, value: Any) -> bool:
    if value is None:
        return text == ""
    if isinstance(value, datetime):
        written = datetime.fromisoformat(text)
        if written.tzinfo is None:  # the CSV's local wall-clock time, to the second
            return timedelta(0) <= value - written < timedelta(seconds=1)
        written = written.astimezone(BAKE_TIME_ZONE).replace(tzinfo=None)
        return abs(written - value) < timedelta(milliseconds=1)
    if isinstance(value, int | float):
        return float(text) == value
    formula_like = len(value) > 1 and value[0] in "=+-@\t\r"
    return text == ("'" + value if formula_like and text.startswith("'") else value)


def export_temp_files(e2e: Any) -> list[str]:
    """What exports wrote in the worker's TMPDIR (`csv-export-*` folders); Celery's pool keeps
    a `pymp-*` folder of its own there."""
    return sorted(
        str(path.relative_to(e2e.worker_tmp))
        for path in e2e.worker_tmp.rglob("*")
        if not path.relative_to(e2e.worker_tmp).parts[0].startswith("pymp-")
    )


def bucket_keys(e2e: Any, bucket: str = "e2e-exports") -> list[str]:
    """The keys in moto's exports bucket (moto's server answers without a signature)."""
    response = ApiClient(e2e.s3_url).get(f"{e2e.s3_url}/{bucket}?list-type=2")
    assert response.status == 200, response.body[:300]
    return re.findall(r"<Key>([^<]+)</Key>", response.body.decode())


def wait_for_no_export_temp_files(e2e: Any, timeout: float = 15) -> list[str]:
    """A cancelled job notices at its next chunk: wait until its temp folder is gone."""
    deadline = time.monotonic() + timeout
    while (left := export_temp_files(e2e)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
