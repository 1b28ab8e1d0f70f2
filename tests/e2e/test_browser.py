"""The back office in headless Chromium: sign in, filter reward logs, export them in the
background with the admin action, watch the progress bar reach 100%, download the file."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import ADMIN, ARTIFACTS_DIR
from tests.e2e.flows import stream_export
from tools.client import csv_rows

pytestmark = pytest.mark.e2e

SCREENSHOT = ARTIFACTS_DIR / "e2e-admin-export-progress.png"


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

        page.locator("#action-toggle").check()
        select_all = page.locator(".actions .question a")
        selected_text = select_all.inner_text()
        select_all.click()
        page.select_option("select[name=action]", "export_csv_async")
        page.click("button[name=index]")
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

    print(
        f"\n[e2e] browser: filtered paid logs of {mission_title!r} (mission {mission_id}); "
        f"{selected_text!r}; {job_text!r}; progress bar {' -> '.join(seen)} in {seconds:.1f}s; "
        f"{state!r}; downloaded {file_name} ({len(rows) - 1} rows, {len(file):,} bytes)\n"
        f"[e2e] screenshot of the finished progress page: {SCREENSHOT}"
    )
    assert seen[-1] == "100%" and bar == 100
    assert not error_box_shown, "the (empty) error box should stay hidden when the export succeeds"
    assert state == f"Done: {len(rows) - 1} rows."
    assert file_name.startswith("mission_reward_log_") and file_name.endswith(".csv")
    assert len(rows) > 1
    assert file == body, "the admin's file should be the API's streaming export of the same filters"
