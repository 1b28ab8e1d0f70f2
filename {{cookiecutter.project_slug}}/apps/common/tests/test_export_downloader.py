import datetime as dt
import logging
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.db import DatabaseError
from django.http import QueryDict
from django.urls import path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from apps.common import CSVDownloader, get_progress
from apps.common.exports import downloader as downloader_module
from apps.common.exports.downloader import ExportRowError, TooManyRowErrors
from apps.common.models import ExportJob

from .export_helpers import (
    ExplosiveColumnSerializer,
    ExplosiveMethodSerializer,
    JobCSVDownloader,
    JobCSVSerializer,
    JobFilter,
    MixedJobCSVSerializer,
    UserBriefSerializer,
    csv_rows,
    streamed,
)
from .factories import ExportJobFactory


class JobExportView(APIView):
    def get(self, request):
        return JobCSVDownloader(
            user_id=request.user.pk, queryset=ExportJob.objects.all(), query_params=request.GET
        ).get_result_as_streaming_response()


urlpatterns = [path("jobs/export/", JobExportView.as_view())]


@pytest.fixture
def export_urls(settings):
    settings.ROOT_URLCONF = __name__


def _export(**options) -> bytes:
    options.setdefault("queryset", ExportJob.objects.all())
    return streamed(JobCSVDownloader(**options).get_result_as_streaming_response())


def _rows_by_id(content: bytes) -> dict[str, dict[str, str]]:
    header, *rows = csv_rows(content)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


HOSTILE = {
    "a,b": "a,b",
    'say "hi"': 'say "hi"',
    "line1\r\nline2": "line1\r\nline2",
    "lf\nonly": "lf\nonly",
    "tab\there": "tab\there",
    "😀 emoji": "😀 emoji",
    "한국어 텍스트": "한국어 텍스트",
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    "+1": "+1",
    "-1": "-1",
    "-1+2": "'-1+2",
    "@SUM(A1)": "'@SUM(A1)",
    "\tlead": "'\tlead",
    "\rlead": "'\rlead",
}


@pytest.mark.django_db
def test_hostile_values_survive_a_round_trip(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    staff = ExportJobFactory.create(export_name="staff", user__is_staff=True)
    jobs = {
        ExportJobFactory.create(export_name=name).pk: expected for name, expected in HOSTILE.items()
    }
    instant = dt.datetime(2024, 1, 31, 15, 30, tzinfo=dt.UTC)
    ExportJob.objects.update(created_at=instant)
    ExportJob.objects.filter(pk=staff.pk).update(finished_at=instant)

    rows = _rows_by_id(_export())

    is_staff = "user staff status"  # source="user.is_staff", headed by the relation
    assert len(rows) == len(HOSTILE) + 1
    for pk, expected_name in jobs.items():
        row = rows[str(pk)]
        assert row["export name"] == expected_name
        assert row["created at"] == "2024-02-01 00:30:00"  # Seoul's wall clock, the next day
        assert row["finished at"] == "-"  # None, by the default value_convert_map
        assert row[is_staff] == "N"  # False, by the default value_convert_map
    staff_row = rows[str(staff.pk)]
    assert staff_row["finished at"] == "2024-02-01 00:30:00"
    assert staff_row[is_staff] == "Y"  # True, by the default value_convert_map


class NumbersSerializer(serializers.ModelSerializer):
    negative_int = serializers.SerializerMethodField(label="=SUM(A1:A9)")
    negative_decimal = serializers.SerializerMethodField()
    negative_float = serializers.SerializerMethodField()
    formula = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "progress", "negative_int", "negative_decimal", "negative_float", "formula"]

    def get_negative_int(self, job):
        return -5

    def get_negative_decimal(self, job):
        return Decimal("-1.50")

    def get_negative_float(self, job):
        return -2.5

    def get_formula(self, job):
        return "-1+2"


@pytest.mark.django_db
def test_numbers_stay_numbers_while_formula_text_and_headers_are_neutralized():
    ExportJobFactory.create(progress=1)

    header, row = csv_rows(_export(serializer_class=NumbersSerializer))

    assert header[2] == "'=SUM(A1:A9)"
    assert row[1:] == ["1", "-5", "-1.50", "-2.5", "'-1+2"]  # 1 is not True: no "Y"


@pytest.mark.django_db
def test_neutralizing_formulas_can_be_switched_off():
    ExportJobFactory.create(export_name="=cmd")

    [_, row] = csv_rows(_export(neutralize_formulas=False))

    assert "=cmd" in row


@pytest.mark.django_db
def test_utf8_bom_by_default_and_switchable():
    ExportJobFactory.create(export_name="한국어")

    with_bom = _export()
    without_bom = _export(include_bom=False)

    assert with_bom.startswith(b"\xef\xbb\xbf")
    assert without_bom == with_bom.removeprefix(b"\xef\xbb\xbf")
    assert "한국어".encode() in without_bom


@pytest.mark.django_db
def test_value_convert_map_can_be_replaced():
    ExportJobFactory.create()

    [_, row] = csv_rows(_export(value_convert_map={None: "N/A", False: "no"}))

    assert row[2] == "no"  # is_staff
    assert row[-1] == "N/A"  # finished_at


@pytest.mark.django_db
def test_streaming_response_is_a_csv_attachment_named_after_the_prefix():
    ExportJobFactory.create()

    response = JobCSVDownloader(queryset=ExportJob.objects.all()).get_result_as_streaming_response()

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"].startswith(f'attachment; filename="jobs_{today}_')
    assert response["Content-Disposition"].endswith('.csv"')


@pytest.mark.django_db
def test_any_prefix_gives_a_safe_attachment_name():
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), file_prefix='보상/내역"\r\n')

    disposition = downloader.get_result_as_streaming_response()["Content-Disposition"]

    assert disposition.startswith("attachment; filename*=utf-8''")
    name = unquote(disposition.removeprefix("attachment; filename*=utf-8''"))
    assert name.startswith('보상_내역"___')
    assert name.endswith(".csv")


@pytest.mark.django_db
def test_rows_follow_ordering_fields_newest_first_by_default():
    first, second, third = ExportJobFactory.create_batch(3)

    default_ids = [row[0] for row in csv_rows(_export())[1:]]
    by_name_ids = [row[0] for row in csv_rows(_export(ordering_fields=["export_name"]))[1:]]

    assert default_ids == [str(third.pk), str(second.pk), str(first.pk)]
    assert by_name_ids == [str(first.pk), str(second.pk), str(third.pk)]


def test_queryset_is_required():
    with pytest.raises(ValidationError) as error:
        JobCSVDownloader(query_params={})

    assert "queryset" in error.value.detail


def test_unknown_options_are_refused():
    with pytest.raises(TypeError, match="chunksize"):
        JobCSVDownloader(queryset=ExportJob.objects.none(), chunksize=10)


@pytest.mark.django_db
def test_the_row_limit_is_the_setting_when_the_export_runs(settings):
    ExportJobFactory.create_batch(3)
    settings.EXPORTS_ROW_LIMIT = 2  # after the class was defined: read when the export runs

    with pytest.raises(ValidationError, match="more than the limit of 2"):
        _export()
    settings.EXPORTS_ROW_LIMIT = 3
    assert len(csv_rows(_export())) == 4


@pytest.mark.django_db
def test_a_row_limit_of_the_subclass_or_a_keyword_wins_over_the_setting(settings):
    ExportJobFactory.create_batch(3)
    settings.EXPORTS_ROW_LIMIT = 100

    class Limited(JobCSVDownloader):
        allow_row_limit = 2

    with pytest.raises(ValidationError, match="more than the limit of 2"):
        streamed(Limited(queryset=ExportJob.objects.all()).get_result_as_streaming_response())
    with pytest.raises(ValidationError, match="more than the limit of 1"):
        _export(allow_row_limit=1)
    assert len(csv_rows(_export(allow_row_limit=None))) == 4


@pytest.mark.django_db
def test_every_class_attribute_can_be_given_as_a_keyword_argument():
    ExportJobFactory.create(status=ExportJob.Status.FAILED, export_name="b")
    ExportJobFactory.create(status=ExportJob.Status.FAILED, export_name="a")
    ExportJobFactory.create(status=ExportJob.Status.PENDING)

    downloader = CSVDownloader(
        user_id=7,
        queryset=ExportJob.objects.all(),
        filterset_class=JobFilter,
        serializer_class=JobCSVSerializer,
        query_params={"status": "failed"},
        ordering_fields="export_name",
        value_convert_map={None: "", True: "yes", False: "no"},
        allow_row_limit=2,
        file_prefix="failed_jobs",
    )
    response = downloader.get_result_as_streaming_response()
    rows = csv_rows(streamed(response))[1:]

    assert downloader.user_id == 7
    assert [row[3] for row in rows] == ["a", "b"]
    assert {row[2] for row in rows} == {"no"}
    assert "failed_jobs_" in response["Content-Disposition"]


@pytest.mark.django_db
def test_filters_apply_with_single_and_repeated_values():
    ExportJobFactory.create(status=ExportJob.Status.FAILED)
    ExportJobFactory.create(status=ExportJob.Status.RUNNING)
    ExportJobFactory.create(status=ExportJob.Status.PENDING)

    def statuses(query_params):
        content = _export(query_params=query_params, choice_labels=False)
        return sorted(row[4] for row in csv_rows(content)[1:])

    assert statuses({"status": "failed"}) == ["failed"]
    assert statuses({"statuses": ["failed", "running"]}) == ["failed", "running"]
    assert statuses(QueryDict("statuses=failed&statuses=pending")) == ["failed", "pending"]


@pytest.mark.django_db
def test_invalid_filters_are_a_validation_error_naming_each_parameter():
    ExportJobFactory.create()
    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(), query_params={"status": "nope", "min_progress": "x"}
    )

    with pytest.raises(ValidationError) as error:
        downloader.get_result_as_streaming_response()

    assert set(error.value.detail) == {"status", "min_progress"}


@pytest.mark.django_db
def test_invalid_filters_are_a_400_not_an_unfiltered_export(user_client, export_urls):
    ExportJobFactory.create()

    response = user_client.get("/jobs/export/?status=nope&min_progress=x")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "min_progress"}


@pytest.mark.django_db
def test_row_limit_is_checked_with_one_count_before_any_row(django_assert_num_queries):
    ExportJobFactory.create_batch(3)
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), allow_row_limit=2)

    with django_assert_num_queries(1), pytest.raises(ValidationError) as error:
        downloader.get_result_as_streaming_response()

    assert error.value.get_codes() == ["row_limit_exceeded"]
    message = str(error.value)
    assert "3 rows" in message
    assert "limit of 2" in message


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [0, None, 3])
def test_no_limit_when_falsy_and_the_limit_itself_is_allowed(limit):
    ExportJobFactory.create_batch(3)

    assert len(csv_rows(_export(allow_row_limit=limit))) == 4


@pytest.mark.django_db
def test_row_limit_is_a_400_stating_the_limit_and_the_count(user_client, export_urls, settings):
    ExportJobFactory.create_batch(3)
    settings.EXPORTS_ROW_LIMIT = 2

    response = user_client.get("/jobs/export/")

    assert response.status_code == 400
    [message] = response.json()["errors"]["non_field_errors"]
    assert "3 rows" in message
    assert "limit of 2" in message


@pytest.mark.django_db
def test_a_view_streams_the_csv(user_client, export_urls):
    ExportJobFactory.create(export_name="streamed", status=ExportJob.Status.FAILED)
    ExportJobFactory.create(status=ExportJob.Status.PENDING)

    response = user_client.get("/jobs/export/?status=failed")

    assert response.status_code == 200
    assert response.streaming
    [_, row] = csv_rows(b"".join(response.streaming_content))
    assert row[3] == "streamed"


class NestedOwnerSerializer(serializers.ModelSerializer):
    """No database column on the user: the nested serializer alone needs it joined."""

    owner = UserBriefSerializer(source="user")

    class Meta:
        model = ExportJob
        fields = ["id", "owner"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "serializer_class", [JobCSVSerializer, MixedJobCSVSerializer, NestedOwnerSerializer]
)
def test_queries_stay_constant_whatever_the_row_count(django_assert_num_queries, serializer_class):
    def export_queries(rows: int) -> bytes:
        ExportJob.objects.all().delete()
        ExportJobFactory.create_batch(rows)
        downloader = JobCSVDownloader(
            queryset=ExportJob.objects.all(), serializer_class=serializer_class, chunk_size=4
        )
        with django_assert_num_queries(2):  # count, then the rows in chunks
            return streamed(downloader.get_result_as_streaming_response())

    assert len(csv_rows(export_queries(3))) == 4
    assert len(csv_rows(export_queries(25))) == 26


@pytest.mark.django_db
def test_mixed_serializer_export_with_the_value_rules_off_is_the_serializer_output():
    ExportJobFactory.create_batch(5, export_name="=x", query_params={"k": ["v", 1]})
    ExportJobFactory.create(user__first_name="길동", user__last_name="홍", progress=7)
    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(),
        serializer_class=MixedJobCSVSerializer,
        chunk_size=2,
        choice_labels=False,
        datetime_format=None,
    )

    content = streamed(downloader.get_result_as_streaming_response())

    data = MixedJobCSVSerializer(ExportJob.objects.order_by("-pk"), many=True).data
    expected = [downloader.get_csv_headers()] + [downloader.get_csv_row(item) for item in data]
    assert csv_rows(content) == [[str(cell) for cell in row] for row in expected]


@pytest.mark.django_db
@pytest.mark.parametrize("serializer_class", [ExplosiveColumnSerializer, ExplosiveMethodSerializer])
def test_a_failing_row_raises_an_error_naming_its_primary_key(serializer_class):
    ExportJobFactory.create_batch(3)
    bad = ExportJobFactory.create(export_name="boom")
    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(), serializer_class=serializer_class
    )

    with pytest.raises(ExportRowError, match=f"primary key {bad.pk} ") as error:
        streamed(downloader.get_result_as_streaming_response())

    assert error.value.pk == bad.pk
    assert "cannot represent boom" in str(error.value)


@pytest.mark.django_db
@pytest.mark.parametrize("serializer_class", [ExplosiveColumnSerializer, ExplosiveMethodSerializer])
def test_skip_policy_leaves_failing_rows_out_and_counts_them(serializer_class, caplog):
    good = ExportJobFactory.create_batch(5)
    bad = ExportJobFactory.create(export_name="boom")

    class Skipping(JobCSVDownloader):
        row_error_policy = "skip"
        max_skipped_share = 0.2  # 1 of 6 rows

    downloader = Skipping(
        queryset=ExportJob.objects.all(), serializer_class=serializer_class, chunk_size=4
    )
    with caplog.at_level(logging.WARNING, logger=downloader_module.__name__):
        rows = csv_rows(streamed(downloader.get_result_as_streaming_response()))[1:]

    assert sorted(int(row[0]) for row in rows) == [job.pk for job in good]
    assert (downloader.row_count, downloader.skipped_rows) == (5, 1)
    assert f"primary key {bad.pk} " in caplog.text


@pytest.mark.django_db
def test_skipping_more_than_the_share_allowed_fails_the_export_naming_the_first_bad_row():
    ExportJobFactory.create_batch(8)
    first_bad, _ = ExportJobFactory.create_batch(2, export_name="boom")

    class Skipping(JobCSVDownloader):
        serializer_class = ExplosiveMethodSerializer
        row_error_policy = "skip"
        ordering_fields = "pk"
        max_skipped_share = 0.1  # 2 of 10 rows is more

    downloader = Skipping(queryset=ExportJob.objects.all())

    with pytest.raises(TooManyRowErrors) as error:
        streamed(downloader.get_result_as_streaming_response())

    assert error.value.pk == first_bad.pk
    assert str(error.value) == (
        "2 of 10 rows could not be exported, too many to skip. The row with primary key "
        f"{first_bad.pk} could not be exported: cannot represent boom"
    )


@pytest.mark.django_db
def test_a_get_csv_row_that_always_fails_fails_the_export_whatever_the_share_allowed():
    first, _ = ExportJobFactory.create_batch(2)

    class Broken(JobCSVDownloader):
        row_error_policy = "skip"
        ordering_fields = "pk"
        max_skipped_share = 1.0

        def get_csv_row(self, data):
            return [data["no such column"]]

    downloader = Broken(queryset=ExportJob.objects.all())

    with pytest.raises(TooManyRowErrors, match=f"primary key {first.pk} could not be exported"):
        streamed(downloader.get_result_as_streaming_response())
    assert (downloader.row_count, downloader.skipped_rows) == (0, 2)


class DatabaseFailureSerializer(serializers.ModelSerializer):
    """A method field whose query fails: a broken database, not a bad row."""

    other = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "other"]

    def get_other(self, job):
        raise DatabaseError("the database went away")


@pytest.mark.django_db
def test_errors_that_say_nothing_about_a_row_are_never_skipped():
    ExportJobFactory.create_batch(3)

    class Skipping(JobCSVDownloader):
        serializer_class = DatabaseFailureSerializer
        row_error_policy = "skip"
        max_skipped_share = 1.0

    downloader = Skipping(queryset=ExportJob.objects.all())

    with pytest.raises(DatabaseError, match="the database went away"):
        streamed(downloader.get_result_as_streaming_response())
    assert downloader.skipped_rows == 0


@pytest.mark.django_db
def test_an_overridden_get_csv_row_is_used_and_still_neutralized():
    ExportJobFactory.create(export_name="=name")

    class Shouting(JobCSVDownloader):
        def get_csv_row(self, data):
            return [str(value).upper() for value in data.values()]

    [_, row] = csv_rows(
        streamed(Shouting(queryset=ExportJob.objects.all()).get_result_as_streaming_response())
    )

    assert row[3] == "'=NAME"
    assert row[-1] == "NONE"


@pytest.mark.django_db
def test_progress_is_written_every_offset_rows_and_100_percent_only_at_the_end(monkeypatch):
    ExportJobFactory.create_batch(7)
    calls = []
    real_set_progress = downloader_module.set_progress

    def recording_set_progress(task_id, progress, total):
        calls.append((progress, total))
        real_set_progress(task_id, progress, total)

    monkeypatch.setattr(downloader_module, "set_progress", recording_set_progress)
    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(),
        celery_task_id="task-progress-test",
        celery_progress_row_offset=3,
        chunk_size=2,
    )

    chunks = iter(downloader.get_result_as_streaming_response())
    next(chunks), next(chunks), next(chunks)  # header, rows 1-2, rows 3-4
    assert calls == [(4, 7)]
    list(chunks)

    assert calls == [(4, 7), (7, 7)]
    assert get_progress("task-progress-test") == {"progress": 7, "total": 7}


@pytest.mark.django_db
def test_progress_reaches_on_progress_without_a_celery_task_id(monkeypatch):
    """An export job's heartbeat, whether or not the export runs in a Celery task."""
    ExportJobFactory.create_batch(5)
    reports = []
    written_to_cache = []
    monkeypatch.setattr(
        downloader_module, "set_progress", lambda *args: written_to_cache.append(args)
    )
    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(),
        celery_progress_row_offset=2,
        chunk_size=2,
        on_progress=lambda processed, total: reports.append((processed, total)),
    )

    streamed(downloader.get_result_as_streaming_response())

    assert reports == [(2, 5), (4, 5), (5, 5)]
    assert written_to_cache == []
