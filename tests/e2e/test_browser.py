"""The back office in headless Chromium: sign in, filter, search and sort reward logs, export
the list with its "export this list" button, watch the progress bar reach 100%, download the
file and find the changelist's rows in it; the same as XLSX, and cancel a large export from its
progress page. A screenshot shows the Korean changelist as a Korean operator sees it."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import ADMIN, ARTIFACTS_DIR
from tests.e2e.flows import (
    assert_same_cells,
    bucket_keys,
    stream_export,
    wait_for_no_export_temp_files,
    xlsx_sheet,
)
from tools.client import csv_rows

pytestmark = pytest.mark.e2e

SCREENSHOT = ARTIFACTS_DIR / "e2e-admin-export-progress.png"
CANCEL_SCREENSHOT = ARTIFACTS_DIR / "e2e-admin-export-cancelled.png"
KOREAN_SCREENSHOT = ARTIFACTS_DIR / "e2e-admin-changelist-ko.png"


def test_admin_exports_filtered_reward_logs_in_the_background(e2e, chromium):
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{e2e.base_url}/admin/login/?next=/admin/")
        page.fill("#id_username", ADMIN[0])
        page.fill("#id_password", ADMIN[1])
        page.click("input[type=submit]")
        page.wait_for_url(f"{e2e.base_url}/admin/")

        page.locator("#content-main").get_by_role("link", name="Mission reward logs").click()
        page.wait_for_url("**/admin/reward_logs/missionrewardlog/")
        filters = page.locator("#changelist-filter")
        filters.locator("details[data-filter-title='status']").get_by_role("link", name="Paid").click()
        page.wait_for_url("**status__exact=paid**")
        mission = filters.locator("details[data-filter-title='mission'] li a").nth(1)  # after "All"
        mission_title = mission.inner_text()
        mission.click()
        page.wait_for_url("**mission__id__exact=**")
        mission_id = parse_qs(urlsplit(page.url).query)["mission__id__exact"][0]

        search = mission_title.split()[0]  # the mission's own rows match its title
        page.locator("#searchbar").fill(search)
        page.locator("#changelist-search input[type=submit]").click()
        page.wait_for_url("**q=**")
        page.locator("#result_list thead th.column-user a").first.click()  # sort by user
        page.wait_for_url("**o=**")
        changelist_query = urlsplit(page.url).query
        ids = page.locator("#result_list tbody th.field-id").all_inner_texts()
        shown_ids = [int(cell) for cell in ids]
        paginator = page.locator("#changelist-form .paginator").inner_text()
        shown_count = int(re.search(r"([\d,]+) mission reward log", paginator)[1].replace(",", ""))

        page.click("#export-list-csv")
        page.wait_for_selector("#export-job")
        job_text = page.locator("#export-job p").first.inner_text()

        seen: list[str] = []
        started = time.monotonic()
        deadline = started + 120
        while time.monotonic() < deadline:
            percent = page.locator("#export-percent").inner_text()
            if not seen or seen[-1] != percent:
                seen.append(percent)
            if percent == "100%" or page.locator("#export-error").inner_text():
                break
            page.wait_for_timeout(100)
        seconds = time.monotonic() - started
        page.locator("#export-download").wait_for(state="visible")
        state = page.locator("#export-state").inner_text()
        error_box_shown = page.locator("#export-error").is_visible()
        bar = page.locator("#export-progress").evaluate("bar => bar.value")
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        with page.expect_download() as download_info:
            page.click("#export-link")
        download = download_info.value
        file = download.path().read_bytes()
        file_name = download.suggested_filename
    finally:
        context.close()
    body, _ = stream_export(e2e.admin, f"status=paid&mission={mission_id}")
    rows = csv_rows(file)
    file_ids = [int(row[0]) for row in rows[1:]]
    korean = _korean_changelist(e2e, chromium, changelist_query)

    print(
        f"\n[e2e] browser: paid logs of {mission_title!r} (mission {mission_id}), searched and "
        f"sorted ({changelist_query}): {len(shown_ids)} rows shown, {shown_count} in "
        f"all; {job_text!r}; progress bar {' -> '.join(seen)} in {seconds:.1f}s; "
        f"{state!r}; downloaded {file_name} ({len(rows) - 1} rows, {len(file):,} bytes)\n"
        f"[e2e] Korean changelist: {korean!r}\n"
        f"[e2e] screenshots: the finished progress page {SCREENSHOT}, in Korean {KOREAN_SCREENSHOT}"
    )
    assert seen[-1] == "100%" and bar == 100
    assert not error_box_shown, "the (empty) error box should stay hidden when the export succeeds"
    assert state == f"Done: {len(rows) - 1} rows."
    assert file_name.startswith("mission_reward_log_") and file_name.endswith(".csv")
    assert len(rows) > 1
    assert file_ids[: len(shown_ids)] == shown_ids, "the file holds the changelist's rows, in order"
    assert len(file_ids) == shown_count, "and every page of it"
    api_ids = {int(row[0]) for row in csv_rows(body)[1:]}
    assert set(file_ids) == api_ids, "the same rows as the API's export of the same filters"
    assert korean == ["이 목록을 CSV로 내보내기", "이 목록을 XLSX로 내보내기"]


def _korean_changelist(e2e, chromium, query: str) -> list[str]:
    """The same changelist for a Korean operator: screenshot it; the export buttons' labels."""
    context = chromium.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _sign_in_and_filter(page, e2e.base_url, query)
        labels = page.locator(".object-tools button").all_inner_texts()
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(KOREAN_SCREENSHOT), full_page=False)
    finally:
        context.close()
    return [label.strip() for label in labels]


def _sign_in_and_filter(page, base_url: str, query: str) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    page.goto(f"{base_url}/admin/reward_logs/missionrewardlog/?{query}")


def _export_the_list(page, file_format: str) -> None:
    page.click(f"#export-list-{file_format}")
    page.wait_for_selector("#export-job")


def test_admin_exports_xlsx_and_cancels_a_large_export(e2e, chromium):
    """Choose XLSX for one mission's paid logs and download the sheet; then start an XLSX
    export of every paid log and cancel it from its progress page."""
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    newest = e2e.admin.get("/api/reward-logs/?status=paid&size=1").json()["results"][0]
    mission_id = newest["mission"]["id"]
    try:
        _sign_in_and_filter(page, e2e.base_url, f"status__exact=paid&mission__id__exact={mission_id}")
        _export_the_list(page, "xlsx")
        page.locator("#export-download").wait_for(state="visible", timeout=120_000)
        link_text = page.locator("#export-link").inner_text()
        cancel_shown_when_done = page.locator("#export-cancel").is_visible()
        with page.expect_download() as download_info:
            page.click("#export-link")
        sheet_file = download_info.value.path().read_bytes()
        sheet_name = download_info.value.suggested_filename

        keys_before = bucket_keys(e2e)
        page.goto(f"{e2e.base_url}/admin/reward_logs/missionrewardlog/?status__exact=paid")
        _export_the_list(page, "xlsx")
        status_url = page.locator("#export-job").get_attribute("data-status-url")
        page.locator("#export-cancel").wait_for(state="visible")
        while e2e.admin.get(status_url).json()["status"] == "pending":
            page.wait_for_timeout(100)
        page.click("#export-cancel")
        page.locator("#export-cancelled").wait_for(state="visible")
        cancelled_text = page.locator("#export-cancelled").inner_text()
        cancel_hidden = not page.locator("#export-cancel").is_visible()
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(CANCEL_SCREENSHOT), full_page=True)
    finally:
        context.close()
    temp_files = wait_for_no_export_temp_files(e2e)
    job = e2e.admin.get(status_url).json()
    body, _ = stream_export(e2e.admin, f"status=paid&mission={mission_id}")
    sheet = xlsx_sheet(sheet_file)

    print(
        f"\n[e2e] browser XLSX: {sheet_name} ({sheet.max_row - 1} rows) via {link_text!r}; "
        f"cancelled a {job['total']}-row XLSX export at {job['progress']} rows: {cancelled_text!r}\n"
        f"[e2e] screenshot of the cancelled progress page: {CANCEL_SCREENSHOT}"
    )
    assert sheet_name.startswith("mission_reward_log_") and sheet_name.endswith(".xlsx")
    assert link_text == "Download the XLSX"
    assert not cancel_shown_when_done
    assert_same_cells(csv_rows(body), sheet)
    assert (job["status"], job["format"], job["download_url"]) == ("cancelled", "xlsx", None)
    assert cancelled_text == "The export was cancelled: no file was written."
    assert cancel_hidden
    assert temp_files == []
    assert bucket_keys(e2e) == keys_before, "the cancelled job uploaded nothing"
