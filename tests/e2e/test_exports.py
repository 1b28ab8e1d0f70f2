"""The export flow over real HTTP: gunicorn, a Celery worker, PostgreSQL, Redis, moto's S3."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import date, datetime, timedelta

import pytest

from tests.e2e.conftest import ADMIN, ROW_LIMIT, STAFF
from tests.e2e.flows import (
    XLSX_MEDIA_TYPE,
    assert_progress_monotonic,
    assert_same_cells,
    bucket_keys,
    count,
    download,
    finished,
    list_all,
    poll_until,
    progress_trace,
    start_export,
    stream_export,
    wait_for_no_export_temp_files,
    writing,
    xlsx_sheet,
)
from tools.client import csv_rows

pytestmark = pytest.mark.e2e

HEADER = [
    "번호",
    "회원 아이디",
    "이메일",
    "미션명",
    "리워드명",
    "지급 상태",
    "포인트",
    "지급 일시",
    "메모",
    "생성 일시",
]
FORMULA_START = tuple("=+-@")


# The reward-log statuses as a Korean reader's export labels them (the server's language).
STATUS_LABELS = {"pending": "대기 중", "paid": "지급 완료", "cancelled": "취소됨"}


def as_local_time(value: str | None) -> str | None:
    """An API datetime (ISO, in the project's time zone) as the export writes it: to the second."""
    return None if value is None else datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")


def as_cell(value: object) -> str:
    """A list API value as the CSV writes it: None as "-", formula-like text neutralised."""
    if value is None:
        return "-"
    text = str(value)
    return "'" + text if len(text) > 1 and text.startswith(FORMULA_START) else text


def expected_row(row: dict) -> list[str]:
    return [
        as_cell(row["id"]),
        as_cell(row["user"]["username"]),
        as_cell(f"{row['user']['username']}@example.com"),  # the seeded users' emails
        as_cell(row["mission"]["title"]),
        as_cell(row["reward"]["name"]),
        as_cell(STATUS_LABELS[row["status"]]),
        as_cell(row["point"]),
        as_cell(as_local_time(row["paid_at"])),
        as_cell(row["memo"]),
        as_cell(as_local_time(row["created_at"])),
    ]


def test_filtered_list_and_its_streaming_export_hold_the_same_rows(e2e):
    newest = e2e.admin.get("/api/reward-logs/?status=paid&size=1").json()["results"][0]
    before = date.fromisoformat(newest["created_at"][:10])
    query = (
        f"status=paid&mission={newest['mission']['id']}"
        f"&created_after={before - timedelta(days=20)}&created_before={before}"
    )

    listed = list_all(e2e.admin, "/api/reward-logs/", query)
    body, seconds = stream_export(e2e.admin, query)
    rows = csv_rows(body)

    print(f"\n[e2e] list and streaming export of ?{query}: {len(listed)} rows; CSV in {seconds:.2f}s")
    assert 50 < len(listed) < 5000, "the filters should pick a few hundred rows"
    assert rows[0] == HEADER
    assert rows[1:] == [expected_row(row) for row in listed]
    assert all(row["status"] == "paid" and row["mission"]["id"] == newest["mission"]["id"] for row in listed)


def test_async_export_succeeds_and_its_file_is_the_streaming_export(e2e):
    query = "status=paid"
    expected = count(e2e.admin, query)
    # As staff who may not unmask: the masked email keeps the export on the Python path, slow
    # enough to be seen (and acted on) part-way; COPY writes these rows in about a second.
    staff = e2e.staff()
    body, stream_seconds = stream_export(staff, query)

    started_at = time.monotonic()
    job = start_export(staff, query)
    statuses = poll_until(staff, job["status_url"], finished, timeout=180)
    seconds = time.monotonic() - started_at
    final = statuses[-1]
    file = download(final["download_url"])

    print(
        f"\n[e2e] async export of ?{query}: {final['row_count']} rows in {seconds:.2f}s "
        f"(streaming: {stream_seconds:.2f}s, {len(body):,} bytes); {len(statuses)} polls: "
        f"{progress_trace(statuses)}"
    )
    assert final["status"] == "succeeded", final
    assert final["error"] is None
    assert final["row_count"] == final["progress"] == final["total"] == expected
    assert_progress_monotonic(statuses)
    assert any(s["status"] == "running" and 0 < s["percent"] < 100 for s in statuses), (
        "the export should be seen part-way"
    )
    assert file.status == 200
    assert 'attachment; filename="mission_reward_log_' in file.headers["Content-Disposition"]
    assert file.body == body
    assert len(csv_rows(file.body)) == expected + 1


def test_only_the_owner_or_a_user_allowed_every_export_reads_a_job(e2e):
    """The superuser holds the permission to see every export; staff status alone is not enough:
    another staff member gets the same 404 as for a job that does not exist."""
    staff = e2e.staff()
    job = start_export(staff, "status=cancelled")
    statuses = poll_until(staff, job["status_url"], finished)
    missing_url = job["status_url"].replace(f"/{job['job_id']}/", f"/{job['job_id'] + 10**6}/")

    superuser = e2e.admin.get(job["status_url"])
    admins_job = start_export(e2e.admin, "status=cancelled")
    staff_on_admins_job = staff.get(admins_job["status_url"])
    staff_on_missing_job = staff.get(missing_url)
    other = e2e.other.get(job["status_url"])
    anonymous = e2e.anonymous.get(job["status_url"])
    other_export = e2e.other.post("/api/reward-logs/export/?status=cancelled")

    print(
        f"\n[e2e] staff's job {job['job_id']} ({statuses[-1]['row_count']} rows): owner 200, "
        f"superuser {superuser.status}; the superuser's job read by staff: {staff_on_admins_job.status}, "
        f"a missing job: {staff_on_missing_job.status}; non-staff user {other.status}, anonymous "
        f"{anonymous.status}; non-staff user starting an export: {other_export.status}"
    )
    assert statuses[-1]["status"] == "succeeded"
    assert superuser.status == 200 and superuser.json()["download_url"]
    assert staff_on_admins_job.status == 404
    assert staff_on_missing_job.status == 404
    assert staff_on_admins_job.json() == staff_on_missing_job.json()
    assert other.status == 404
    assert b"download_url" not in other.body
    assert anonymous.status == 401
    assert anonymous.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert b"download_url" not in anonymous.body
    assert other_export.status == 403


def test_the_users_export_every_project_has_streams_and_runs_as_a_job(e2e):
    """It holds personal data: each download says why (`reason`), or is a 400 saying so."""
    query = "is_staff=true&reason=e2e+staff+audit"
    refused = e2e.admin.get("/api/users/export/?is_staff=true", language="en")
    body, _ = stream_export(e2e.admin, query, path="/api/users/export/")
    job = start_export(e2e.admin, query, path="/api/users/export/")
    final = poll_until(e2e.admin, job["status_url"], finished)[-1]

    rows = csv_rows(body)
    print(f"\n[e2e] users export: {len(rows) - 1} staff users; job {final['status']}")
    assert refused.status == 400
    assert "reason" in refused.json()["errors"], refused.json()
    assert [row[1] for row in rows[1:]] == [STAFF[0], ADMIN[0]]  # newest first
    assert final["status"] == "succeeded", final
    assert download(final["download_url"]).body == body


# The default bake speaks Korean (ko-kr) unless the client asks for English.
@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "이 내보내기는 {total:,}행으로, 한도인 {limit:,}행을 넘습니다."),
        ("en", "This export has {total:,} rows, more than the limit of {limit:,}."),
    ],
)
def test_row_limit_breach_is_a_400_with_its_message(e2e, language, message):
    total = count(e2e.admin, "")
    assert total > ROW_LIMIT, "the seeded table must be larger than the row limit"

    streaming = e2e.admin.get("/api/reward-logs/export/", language=language)
    background = e2e.admin.post("/api/reward-logs/export/", language=language)

    expected = message.format(total=total, limit=ROW_LIMIT)
    print(f"\n[e2e] row limit: GET {streaming.status}, POST {background.status}: {streaming.json()}")
    for response in (streaming, background):
        assert response.status == 400
        assert expected in str(response.json()["errors"]), response.json()


# Django's own messages, in the default bake's language (ko-kr): "Select a valid choice.",
# "Enter a valid date.", "Enter a whole number." (ids are whole numbers).
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status=bogus", "status", "올바르게 선택해 주세요."),
        ("created_after=yesterday", "created", "올바른 날짜를 입력하세요."),
        ("mission=999999", "mission", "올바르게 선택해 주세요."),
        ("id=1,two,3", "id", "정수를 입력하세요."),
    ],
)
def test_bad_filter_values_are_400s_naming_the_field(e2e, query, field, message):
    responses = {
        "list": e2e.admin.get(f"/api/reward-logs/?{query}"),
        "streaming export": e2e.admin.get(f"/api/reward-logs/export/?{query}"),
        "async export": e2e.admin.post(f"/api/reward-logs/export/?{query}"),
    }

    print(f"\n[e2e] ?{query}: " + "; ".join(f"{k} {r.status} {r.json()}" for k, r in responses.items()))
    for name, response in responses.items():
        assert response.status == 400, f"{name}: {response.status} {response.body[:300]!r}"
        assert any(message in text for text in response.json()["errors"][field]), response.json()


def _paid_of_newest_mission(e2e) -> str:
    newest = e2e.admin.get("/api/reward-logs/?status=paid&size=1").json()["results"][0]
    return f"status=paid&mission={newest['mission']['id']}"


def test_xlsx_streamed_and_as_a_job_holds_the_csvs_cells(e2e):
    query = _paid_of_newest_mission(e2e)
    csv_body, _ = stream_export(e2e.admin, query)
    started = time.monotonic()
    streamed = e2e.admin.get(
        f"/api/reward-logs/export/?{query}", headers={"Accept": XLSX_MEDIA_TYPE}, timeout=300
    )
    stream_seconds = time.monotonic() - started
    job = start_export(e2e.admin, f"{query}&format=xlsx")
    final = poll_until(e2e.admin, job["status_url"], finished, timeout=180)[-1]
    file = download(final["download_url"])
    file_type = {name.lower(): value for name, value in file.headers.items()}["content-type"]
    csv_file = csv_rows(csv_body)
    sheet = xlsx_sheet(file.body)

    print(
        f"\n[e2e] XLSX of ?{query}: {final['row_count']} rows; streamed {len(streamed.body):,} "
        f"bytes in {stream_seconds:.2f}s; job {final['status']} ({final['file_name']}, "
        f"{len(file.body):,} bytes from S3, {file_type})"
    )
    assert streamed.status == 200, streamed.body[:300]
    assert streamed.headers["Content-Type"] == XLSX_MEDIA_TYPE
    assert (final["status"], final["format"]) == ("succeeded", "xlsx"), final
    assert final["file_name"].endswith(".xlsx")
    assert file_type == XLSX_MEDIA_TYPE
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    assert [cell.value for cell in sheet[1]] == HEADER
    assert final["row_count"] == len(csv_file) - 1 > 10
    assert_same_cells(csv_file, sheet)
    assert_same_cells(csv_file, xlsx_sheet(streamed.body))


def test_one_job_for_the_same_export_a_cap_and_cancel_under_way(e2e):
    """Two clicks give one job; past the per-user cap (3) the next start is a 429; a running job
    cancelled stops, leaves nothing in the worker's TMPDIR and uploads nothing."""
    staff = e2e.staff()
    keys_before = bucket_keys(e2e)
    first = start_export(staff, "status=paid&format=xlsx")
    again = staff.post("/api/reward-logs/export/?format=xlsx&status=paid")
    others = [start_export(staff, f"status=paid&mission={mission}") for mission in (1, 2)]
    refused = staff.post("/api/reward-logs/export/?status=pending", language="en")
    try:
        seen = poll_until(staff, first["status_url"], writing, timeout=120)
        cancel = staff.post(first["status_url"] + "cancel/")
    finally:
        for job in others:
            staff.post(job["status_url"] + "cancel/")
    temp_files = wait_for_no_export_temp_files(e2e)
    after = staff.get(first["status_url"]).json()
    mine = staff.get("/api/exports/?size=10").json()
    uploaded = sorted(set(bucket_keys(e2e)) - set(keys_before))
    succeeded_files = {job["file_name"] for job in mine["results"] if job["status"] == "succeeded"}
    cancelled_again = staff.post(first["status_url"] + "cancel/")

    print(
        f"\n[e2e] same export twice: job {first['job_id']} and {again.json()['job_id']}; "
        f"a 4th start: {refused.status} (Retry-After {refused.headers.get('Retry-After')}) "
        f"{refused.json()['detail']!r}; cancelled at {seen[-1]['percent']}% "
        f"({seen[-1]['status']}): {cancel.status} -> {after['status']}, "
        f"{after['progress']}/{after['total']} rows; my exports: "
        f"{[(job['id'], job['status'], job['format']) for job in mine['results']]}; "
        f"uploaded meanwhile: {uploaded}"
    )
    assert again.status == 202 and again.json() == {**first, "status": again.json()["status"]}
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "30"
    assert "You already have 3 exports waiting or running" in refused.json()["detail"]
    assert seen[-1]["status"] == "running", f"the export ended before it could be cancelled: {seen[-1]}"
    assert cancel.status == 200 and cancel.json()["status"] == "cancelled"
    assert after["status"] == "cancelled" and after["download_url"] is None
    assert after["progress"] < after["total"]
    assert temp_files == []
    assert {key.rsplit("/", 1)[1] for key in uploaded} <= succeeded_files, (
        "only the jobs that finished before their cancel uploaded a file"
    )
    assert [job["id"] for job in mine["results"][:3]] == [
        others[1]["job_id"],
        others[0]["job_id"],
        first["job_id"],
    ]
    assert {job["status"] for job in mine["results"][:3]} <= {"cancelled", "succeeded"}
    assert (mine["results"][2]["status"], mine["results"][2]["format"]) == ("cancelled", "xlsx")
    assert cancelled_again.status == 200, "cancelling a cancelled job changes nothing"


def test_cancelling_a_finished_job_is_a_400_saying_so(e2e):
    job = start_export(e2e.admin, "status=cancelled&format=xlsx")
    final = poll_until(e2e.admin, job["status_url"], finished)[-1]

    response = e2e.admin.post(job["status_url"] + "cancel/", language="en")
    in_korean = e2e.admin.post(job["status_url"] + "cancel/")

    print(f"\n[e2e] cancel a {final['status']} job: {response.status} {response.json()}")
    assert final["status"] == "succeeded"
    assert response.status == 400
    assert response.json()["detail"].startswith("This export has already ended")
    assert in_korean.status == 400
    assert in_korean.json()["detail"].startswith("이 내보내기는 이미 끝났습니다")
    assert e2e.admin.get(job["status_url"]).json()["status"] == "succeeded"


def test_one_request_id_from_the_api_call_to_the_workers_log_lines(e2e):
    """A well-formed X-Request-ID comes back, is stored on the job, and is on the worker's lines
    for the task the call started; a forged one is replaced by a new id."""
    request_id = f"e2e-{secrets.token_hex(8)}"
    started = e2e.admin.post("/api/reward-logs/export/?status=paid", headers={"X-Request-ID": request_id})
    assert started.status == 202, started.body[:300]
    final = poll_until(e2e.admin, started.json()["status_url"], finished)[-1]
    forged = e2e.admin.get("/api/exports/", headers={"X-Request-ID": "x" * 65})

    e2e.stack.wait_for_log("worker", f"[{request_id}]", timeout=30)
    worker_log = e2e.stack.processes["worker"].log_path.read_text(errors="replace")
    lines = [line for line in worker_log.splitlines() if f"[{request_id}]" in line]
    print(f"\n[e2e] request {request_id}: {len(lines)} worker log lines, e.g. {lines[0]!r}")
    assert started.headers["X-Request-ID"] == request_id
    assert final["status"] == "succeeded", final
    assert any("task_started" in line for line in lines), lines
    assert str(uuid.UUID(forged.headers["X-Request-ID"])) == forged.headers["X-Request-ID"]
