"""The spreadsheet round trip in headless Chromium, on the real stack: the missions list
exported by the API, one title edited and one new mission added, uploaded through the admin's
import page, previewed (nothing written yet), confirmed; the API then shows exactly that. A
screenshot of the preview shows what the operator confirms."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from tests.e2e.conftest import ADMIN, ARTIFACTS_DIR
from tests.e2e.flows import list_all, stream_export
from tools.client import csv_rows

pytestmark = pytest.mark.e2e

PREVIEW_SCREENSHOT = ARTIFACTS_DIR / "e2e-admin-import-preview.png"
DONE_SCREENSHOT = ARTIFACTS_DIR / "e2e-admin-import-done.png"
MISSIONS = "/api/missions/"
ID, TITLE, VERSION = 0, 1, -1  # the missions export's columns: id, title, ..., version


def test_admin_imports_an_edited_export_after_its_preview(e2e, chromium, tmp_path):
    body, _ = stream_export(e2e.admin, "ordering=id", path=f"{MISSIONS}export/")
    header, first, second, *_ = csv_rows(body)
    tag = uuid.uuid4().hex[:8]
    edited_title, new_title = f"edited in the browser {tag}", f"new from the browser {tag}"
    first[TITLE] = edited_title
    new = [*second]
    new[ID] = new[VERSION] = ""  # no id, no version: a new mission
    new[TITLE] = new_title
    upload = tmp_path / "missions.csv"
    text = io.StringIO()
    csv.writer(text).writerows([header, first, second, new])
    upload.write_text(text.getvalue(), encoding="utf-8-sig")
    total_before = len(list_all(e2e.admin, MISSIONS, "ordering=id"))

    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{e2e.base_url}/admin/login/?next=/admin/missions/mission/")
        page.fill("#id_username", ADMIN[0])
        page.fill("#id_password", ADMIN[1])
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/missions/mission/")
        page.click("#import-link")
        page.wait_for_selector("#import-form")
        page.set_input_files("#import-form input[type=file]", str(upload))
        page.click("#import-preview")
        page.wait_for_selector("#import-counts")
        counts = {
            name: page.locator(f"#import-{name}").inner_text()
            for name in ("new", "changed", "unchanged", "failed")
        }
        changes = page.locator("#import-changes tbody").inner_text()
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(PREVIEW_SCREENSHOT), full_page=True)
        after_preview = _titles(e2e)

        page.click("#import-confirm")
        page.wait_for_url("**/admin/missions/mission/")
        message = page.locator(".messagelist").inner_text()
        page.screenshot(path=str(DONE_SCREENSHOT), full_page=False)
    finally:
        context.close()
    after_confirm = _titles(e2e)

    print(
        f"\n[e2e] admin import: preview {counts}, changes {changes!r}; then {message!r}\n"
        f"[e2e] screenshots: the preview {PREVIEW_SCREENSHOT}, the list after it {DONE_SCREENSHOT}"
    )
    assert counts == {"new": "1", "changed": "1", "unchanged": "1", "failed": "0"}
    assert changes.split()[:2] == ["2", first[ID]], "the file's row 2 changes that mission"
    assert edited_title not in after_preview.values() and new_title not in after_preview.values()
    assert len(after_preview) == total_before, "the preview wrote nothing"
    assert after_confirm[int(first[ID])] == edited_title
    assert after_confirm[int(second[ID])] == after_preview[int(second[ID])]
    assert list(after_confirm.values()).count(new_title) == 1
    assert len(after_confirm) == total_before + 1


def _titles(e2e) -> dict[int, str]:
    return {row["id"]: row["title"] for row in list_all(e2e.admin, MISSIONS, "ordering=id")}
