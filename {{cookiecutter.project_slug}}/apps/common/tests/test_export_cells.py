"""The cell rules (apps/common/exports/cells.py): each on by default, each switched off per
export, in CSV and in XLSX, for a Korean and an English reader."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import models
from django.utils import translation
from rest_framework import serializers

from apps.common.exports.cells import DEFAULT_DATETIME_FORMAT, CellRules, local_datetime_text
from apps.common.exports.columns import ColumnPlan
from apps.common.models import ExportJob

from .export_helpers import (
    JobCSVDownloader,
    JobCSVSerializer,
    MixedJobCSVSerializer,
    csv_rows,
    streamed,
    xlsx_rows,
)
from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db

# 15:30 UTC on 31 January is half past midnight on 1 February in Seoul (UTC+9).
LATE_UTC = dt.datetime(2024, 1, 31, 15, 30, 5, 500000, tzinfo=dt.UTC)
STATUS, CREATED, LAST_LOGIN, FINISHED = 4, 7, 8, 9  # JobCSVSerializer's columns


@pytest.fixture
def job(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    job = ExportJobFactory.create(status=ExportJob.Status.FAILED, finished_at=LATE_UTC)
    ExportJob.objects.filter(pk=job.pk).update(created_at=LATE_UTC)
    return job


def _csv(**options) -> list[list[str]]:
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), **options)
    return csv_rows(streamed(downloader.get_result_as_streaming_response()))


def _xlsx(**options) -> list[list]:
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), file_format="xlsx", **options)
    return xlsx_rows(streamed(downloader.get_result_as_streaming_response()))


# Choice labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "label"), [("ko", "실패"), ("en", "Failed")])
@pytest.mark.parametrize("write", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_a_choice_is_written_as_its_label_in_the_readers_language(job, write, language, label):
    with translation.override(language):
        rows = write()

    assert rows[1][STATUS] == label


@pytest.mark.parametrize("write", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_choice_labels_off_writes_the_stored_code(job, write):
    assert write(choice_labels=False)[1][STATUS] == "failed"


def test_a_choice_read_from_instances_is_its_label_too(job):
    rows = _csv(serializer_class=MixedJobCSVSerializer)

    assert rows[1][STATUS] == "Failed"
    assert rows[1][CREATED] == "2024-02-01 00:30:05"


def test_a_code_without_a_label_stays_as_it_is(job):
    ExportJob.objects.update(status="archived")

    assert _csv()[1][STATUS] == "archived"


def test_the_request_language_decides_labels_and_headers(export_api_urls, staff_client, job):
    korean = csv_rows(streamed(staff_client.get("/jobs/export/", HTTP_ACCEPT_LANGUAGE="ko")))
    english = csv_rows(streamed(staff_client.get("/jobs/export/", HTTP_ACCEPT_LANGUAGE="en")))

    assert (korean[0][3], korean[1][STATUS]) == ("내보내기 이름", "실패")
    assert (english[0][3], english[1][STATUS]) == ("export name", "Failed")


# Datetimes and dates -------------------------------------------------------------------------


def test_a_datetime_is_the_local_wall_clock_time_to_the_second(job):
    row = _csv()[1]

    # The next day in Seoul; the half second dropped, not rounded.
    assert row[CREATED] == row[FINISHED] == "2024-02-01 00:30:05"
    assert row[LAST_LOGIN] == "-"  # None, through the value map


def test_an_xlsx_datetime_is_a_date_cell_at_the_local_wall_clock_time(job):
    row = _xlsx()[1]

    assert row[CREATED] == dt.datetime(2024, 2, 1, 0, 30, 5, 500000)  # Excel keeps milliseconds
    assert row[LAST_LOGIN] == "-"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"time_zone": "UTC"}, "2024-01-31 15:30:05"),
        ({"time_zone": "America/New_York"}, "2024-01-31 10:30:05"),
        ({"datetime_format": "%Y.%m.%d %H:%M"}, "2024.02.01 00:30"),
        ({"datetime_format": None}, "2024-02-01T00:30:05.500000+09:00"),  # the serializer's
    ],
)
def test_the_datetime_rule_is_switched_per_export(job, options, expected):
    assert _csv(**options)[1][CREATED] == expected


def test_an_xlsx_datetime_is_in_the_exports_time_zone(job):
    assert _xlsx(time_zone="UTC")[1][CREATED] == dt.datetime(2024, 1, 31, 15, 30, 5, 500000)


def test_the_time_zone_setting_is_read_when_the_export_runs(job, settings):
    settings.TIME_ZONE = "UTC"

    assert _csv()[1][CREATED] == "2024-01-31 15:30:05"


def test_a_serializer_field_with_its_own_format_keeps_it(job):
    class OwnFormat(serializers.ModelSerializer):
        created_at = serializers.DateTimeField(format="%d/%m/%Y")

        class Meta:
            model = ExportJob
            fields = ["id", "created_at"]

    assert _csv(serializer_class=OwnFormat)[1][1] == "01/02/2024"


@pytest.mark.parametrize(
    ("date_format", "expected"), [("%Y-%m-%d", "0999-03-01"), ("%Y.%m.%d", "999.03.01")]
)
def test_a_date_is_written_with_the_date_format(date_format, expected):
    rules = CellRules(date_format=date_format)
    rule = rules.value_rule(serializers.DateField(), models.DateField())

    assert rule is not None
    assert rule.represent is not None
    assert rule.represent(dt.date(999, 3, 1)) == expected  # strftime leaves the year unpadded
    assert rule.represent(None) is None


def test_date_format_off_leaves_the_date_to_the_serializer():
    rules = CellRules(date_format=None)

    assert rules.value_rule(serializers.DateField(), models.DateField()) is None


def test_the_rules_change_no_column_read_from_the_database(job):
    plain = ColumnPlan(JobCSVSerializer(), ExportJob)
    ruled = JobCSVDownloader(queryset=ExportJob.objects.all()).column_plan

    assert ruled.from_database_rows
    assert [column.lookup for column in ruled.columns] == [c.lookup for c in plain.columns]


# Headers -------------------------------------------------------------------------------------


def in_korean(text: str) -> str:
    """Django's (or the project's) Korean for `text`: Django's own catalogue words "staff
    status" differently from one release to the next."""
    with translation.override("ko"):
        return translation.gettext(text)


USER_STAFF_STATUS_KO = f"사용자 {in_korean('staff status')}"


def test_a_relation_path_without_a_label_is_headed_by_the_relation_and_the_field():
    def header(language: str, **options) -> str:
        with translation.override(language):
            downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), **options)
            return downloader.get_csv_headers()[2]  # source="user.is_staff"

    assert header("en") == "user staff status"
    assert header("ko") == USER_STAFF_STATUS_KO
    assert in_korean("staff status") != "staff status"
    assert header("en", relation_headers=False) == "staff status"


@pytest.mark.parametrize("write", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_headers_are_in_the_readers_language(job, write):
    with translation.override("ko"):
        korean = write()[0]
    english = write(relation_headers=False)[0]

    assert korean[2:4] == [USER_STAFF_STATUS_KO, "내보내기 이름"]
    assert english[2:4] == ["staff status", "export name"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(999, 12, 31, 15, 0, 59, 999999, tzinfo=dt.UTC), "0999-12-31 23:28:51"),
        (dt.datetime(2024, 1, 31, 15, 30, 5, tzinfo=dt.UTC), "2024-02-01 00:30:05"),
        (dt.datetime(2024, 1, 31, 15, 30, 5), "2024-01-31 15:30:05"),  # naive: as it is
        (None, None),
    ],
)
def test_the_default_datetime_text(value, expected):
    # Before 1908 Seoul kept its local mean time, UTC+8:27:52.
    represent = local_datetime_text(ZoneInfo("Asia/Seoul"), DEFAULT_DATETIME_FORMAT)

    assert represent(value) == expected
