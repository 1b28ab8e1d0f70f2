"""The missions import: the export read back, all or nothing, errors by row and column."""

from typing import Any

import pytest
from django.urls import reverse

from apps.missions.models import Mission

from .factories import MissionFactory, RewardFactory
from .import_helpers import csv_file, exported_rows, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("mission-import")
EXPORT_URL = reverse("mission-export")
VERSION = "버전 (그대로 두세요)"
HEADER = ["title", "is_exposed", "starts_at", "ends_at", "reward"]


def _snapshot() -> dict[int, Any]:
    return {
        mission["id"]: mission
        for mission in Mission.objects.values(
            "id",
            "title",
            "description",
            "is_exposed",
            "starts_at",
            "ends_at",
            "reward_id",
            "updated_at",
        )
    }


def _post(client, file, language="ko", **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.post(
        f"{IMPORT_URL}?{query}",
        {"file": file},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.fixture
def missions():
    rewards = [RewardFactory.create(), RewardFactory.create()]
    return [MissionFactory.create(reward=rewards[index % 2]) for index in range(5)]


def test_the_round_trip_changes_exactly_the_three_edited_cells(staff_client, missions):
    """Export, edit three cells (a title, an exposure, a reward), import: only those change."""
    other_reward = RewardFactory.create(name="새 보상")
    before = _snapshot()
    rows = exported_rows(staff_client, EXPORT_URL)
    header = rows[0]
    title, exposed, reward = header.index("제목"), header.index("노출"), header.index("리워드")
    rows[1][title] = "고친 제목"
    rows[2][exposed] = "N" if rows[2][exposed] == "Y" else "Y"
    rows[3][reward] = other_reward.name

    response = _post(staff_client, csv_file(rows))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["applied"], body["rows"], body["changed"], body["unchanged"], body["new"]) == (
        True,
        5,
        3,
        2,
        0,
    )
    assert body["changed_fields"] == {"제목": 1, "노출": 1, "리워드": 1}
    after = _snapshot()
    edited = {int(rows[1][0]): "title", int(rows[2][0]): "is_exposed", int(rows[3][0]): "reward_id"}
    for mission_id, old in before.items():
        new = after[mission_id]
        differing = {key for key in old if old[key] != new[key]}
        if mission_id in edited:
            assert differing == {edited[mission_id], "updated_at"}
        else:
            assert differing == set()
    assert after[int(rows[1][0])]["title"] == "고친 제목"
    assert after[int(rows[3][0])]["reward_id"] == other_reward.pk


def test_the_xlsx_export_reads_back_unchanged(staff_client, missions):
    import io

    import openpyxl

    from apps.common.tests.export_helpers import streamed

    before = _snapshot()
    content = streamed(staff_client.get(EXPORT_URL, {"format": "xlsx", "ordering": "id"}))
    rows = [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.values]

    response = _post(staff_client, xlsx_file(rows))

    assert response.status_code == 200, response.json()
    assert (response.json()["unchanged"], response.json()["changed"]) == (5, 0)
    assert _snapshot() == before


def test_english_headers_and_field_names_are_read_too(staff_client, missions):
    english = exported_rows(staff_client, EXPORT_URL, language="en")[0]
    assert "title" in [header.lower() for header in english]
    reward = missions[0].reward
    names = ["title", "is_exposed", "starts_at", "ends_at", "reward", "description"]
    row = ["새 미션", "Y", "2026-01-01 09:00:00", "2026-02-01 09:00:00", reward.name, ""]
    response = _post(staff_client, csv_file([names, row]), language="en")

    assert response.status_code == 200, response.json()
    created = Mission.objects.get(title="새 미션")
    assert created.is_exposed is True
    # A wall-clock time in the project's zone (Asia/Seoul, UTC+9).
    assert created.starts_at.isoformat() == "2026-01-01T00:00:00+00:00"


def test_a_dry_run_previews_and_writes_nothing(staff_client, missions):
    before = _snapshot()
    rows = exported_rows(staff_client, EXPORT_URL)
    rows[1][rows[0].index("제목")] = "미리보기"
    rows.append(
        [
            "",
            "새 미션",
            "Y",
            "2026-01-01 09:00:00",
            "2026-02-01 09:00:00",
            missions[0].reward.name,
            "-",
            "-",
            "-",
        ]
    )
    rows.append(
        ["", "", "Y", "2026-01-01 09:00:00", "2026-02-01 09:00:00", "없는 보상", "-", "-", "-"]
    )

    response = _post(staff_client, csv_file(rows), dry_run=1)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["applied"], body["new"], body["changed"], body["unchanged"], body["failed"]) == (
        False,
        1,
        1,
        4,
        1,
    )
    assert body["changes"] == [{"row": 2, "id": int(rows[1][0]), "fields": ["제목"]}]
    columns = {error["column"] for error in body["errors"] if error["row"] == 8}
    assert columns == {"제목", "리워드"}
    assert _snapshot() == before


def test_a_row_changed_since_the_export_is_a_conflict_and_nothing_is_written(
    staff_client, missions
):
    rows = exported_rows(staff_client, EXPORT_URL)
    rows[1][rows[0].index("제목")] = "내 수정"
    rows[2][rows[0].index("제목")] = "다른 수정"
    changed = Mission.objects.get(pk=int(rows[2][0]))
    changed.description = "someone else"
    changed.save()
    before = _snapshot()

    response = _post(staff_client, csv_file(rows))

    assert response.status_code == 409, response.json()
    errors = response.json()["errors"]
    assert [(c["row"], c["column"]) for c in errors["conflicts"]] == [(3, VERSION)]
    assert _snapshot() == before


def test_one_bad_row_of_ten_thousand_writes_nothing(staff_client, settings):
    reward = RewardFactory.create()
    rows = [HEADER]
    for index in range(10_000):
        rows.append(
            [f"미션 {index}", "Y", "2026-01-01 09:00:00", "2026-02-01 09:00:00", reward.name]
        )
    rows[7_777][3] = "2025-12-01 09:00:00"  # ends before it starts

    response = _post(staff_client, csv_file(rows))

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["errors"] == [
        {
            "row": 7_778,
            "column": "ends_at",
            "messages": ["미션 종료 일시는 시작 일시보다 뒤여야 합니다."],
        }
    ]
    assert Mission.objects.count() == 0

    rows[7_777][3] = "2026-02-01 09:00:00"
    response = _post(staff_client, csv_file(rows))
    assert response.status_code == 200, response.json()
    assert Mission.objects.count() == 10_000


def test_the_import_queries_do_not_grow_with_the_rows(
    staff_client, missions, django_assert_max_num_queries, settings
):
    settings.IMPORTS_BATCH_SIZE = 1_000
    reward = missions[0].reward
    rows = [HEADER] + [
        [f"미션 {i}", "N", "2026-01-01 09:00:00", "2026-02-01 09:00:00", reward.name]
        for i in range(2_500)
    ]
    # Per batch of 1,000 rows: the rewards named, and the INSERTs (SQLite takes 999 parameters
    # at most, so Django splits each batch into statements of 111 rows of 9 fields): 28 here,
    # against 2,500 or more if a row cost a query.
    with django_assert_max_num_queries(2_500 // 50):
        response = _post(staff_client, csv_file(rows))
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_each_encoding_korean_excel_writes(staff_client, encoding):
    reward = RewardFactory.create(name="출석 보상")
    rows = [
        HEADER,
        ["출석 체크하기", "Y", "2026-01-01 09:00:00", "2026-02-01 09:00:00", reward.name],
    ]

    response = _post(staff_client, csv_file(rows, encoding=encoding))

    assert response.status_code == 200, response.json()
    assert (
        response.json()["encoding"]
        == {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8 (BOM)",
            "cp949": "CP949 (EUC-KR)",
            "euc-kr": "CP949 (EUC-KR)",
        }[encoding]
    )
    assert Mission.objects.get().title == "출석 체크하기"


def test_the_header_names_missing_unknown_and_doubled_columns(staff_client):
    response = _post(
        staff_client, csv_file([["제목", "title", "colour", "시작 일시"], ["a", "a", "b", "c"]])
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["unknown"] == ["colour"]
    assert errors["duplicated"] == ["제목, title"]
    assert set(errors["missing"]) == {"종료 일시", "리워드"}


def test_an_exported_file_without_its_version_column_is_refused(staff_client, missions):
    rows = exported_rows(staff_client, EXPORT_URL)
    version = rows[0].index(VERSION)
    rows = [row[:version] + row[version + 1 :] for row in rows]

    response = _post(staff_client, csv_file(rows))

    assert response.status_code == 400
    assert response.json()["errors"]["missing"] == [VERSION]
