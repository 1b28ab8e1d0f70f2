"""The COPY path (apps/common/exports/copy_sql.py): on PostgreSQL, the same bytes as the Python
path for hostile values of every kind it maps; the Python path, with its reason, for anything
it does not map; progress, cancelling and the connection afterwards.

The hostile rows live in a table made for these tests only (`HostileRow`, outside any app's
migrations), so that every field kind the COPY path maps has a column.
"""

import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import fields, replace
from decimal import Decimal
from typing import Any, ClassVar, cast

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import translation
from rest_framework import serializers

from apps.common.access.masking import mask_name
from apps.common.exports import jobs
from apps.common.exports.downloader import CSVDownloader
from apps.common.exports.jobs import export_job_run
from apps.common.exports.services import export_job_cancel
from apps.common.models import ExportJob

from .export_copy import assert_copy_writes_the_same_bytes, file_bytes
from .export_helpers import JobCSVDownloader, MixedJobCSVSerializer, csv_rows, job_export
from .factories import ExportJobFactory

# COPY runs on a connection of its own, which sees committed rows only: each test commits.
pytestmark = pytest.mark.django_db(transaction=True)


class HostileRow(models.Model):
    class Kind(models.TextChoices):
        PLAIN = "plain", "Plain"
        FORMULA = "formula", "=HYPERLINK(1)"
        COMMA = "comma", 'Say "yes", or no'
        EMPTY = "empty", ""

    text = models.CharField("text", max_length=6000, blank=True)
    note = models.TextField("note", null=True)  # noqa: DJ001 - NULL beside '', on purpose
    number = models.IntegerField("number", null=True)
    flag = models.BooleanField("flag", null=True)
    amount = models.DecimalField("amount", max_digits=30, decimal_places=10, null=True)
    price = models.DecimalField("price", max_digits=12, decimal_places=2, null=True)
    kind = models.CharField(  # noqa: DJ001 - NULL beside '', on purpose
        "kind", max_length=10, choices=Kind.choices, blank=True, null=True
    )
    level = models.IntegerField("level", choices=[(1, "one"), (2, "-2 below")], null=True)
    at = models.DateTimeField("at", null=True)
    day = models.DateField("day", null=True)
    user = models.ForeignKey(
        get_user_model(), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: ClassVar[models.Manager["HostileRow"]] = models.Manager()

    class Meta:
        app_label = "copy_tests"  # no installed app: no migration, a table of the test's own

    def __str__(self) -> str:
        return self.text


class HostileSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", allow_null=True)
    staff = serializers.BooleanField(source="user.is_staff", allow_null=True)
    price_value = serializers.ReadOnlyField(source="price")  # str(Decimal), not DRF's text

    class Meta:
        model = HostileRow
        fields = [
            "id",
            "text",
            "note",
            "number",
            "flag",
            "amount",
            "price",
            "price_value",
            "kind",
            "level",
            "at",
            "day",
            "username",
            "staff",
        ]


class HostileDownloader(CSVDownloader):
    serializer_class = HostileSerializer
    ordering_fields = "pk"


TEXTS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-x",
    "@SUM(A1)",
    "\tTab first",
    "\rCR first",
    "-",
    "=",
    "-12.5",
    "+3",
    "1e5",
    "-1E-5",
    "-١٢",
    'say "hi"',
    '"',
    "a,b",
    "line\nbreak",
    "cr\rinside",
    "crlf\r\nend",
    "ends with LF\n",
    "\n",
    "tab\tinside",
    "😀 emoji",
    "한국어 텍스트",
    "  leading and trailing  ",
    " ",
    "",
    "\\.",
    "Y",
    "x" * 5000,
]
SEOUL_MIDNIGHT = dt.datetime(2024, 1, 31, 15, 0, tzinfo=dt.UTC)  # 00:00 on 1 Feb in Seoul
DATETIMES = [
    SEOUL_MIDNIGHT,
    SEOUL_MIDNIGHT - dt.timedelta(microseconds=1),  # 23:59:59.999999: not rounded up
    dt.datetime(1899, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),  # before 1900: LMT offsets
    dt.datetime(999, 3, 4, 5, 6, 7, tzinfo=dt.UTC),  # a year of three digits
    dt.datetime(2024, 3, 10, 6, 59, 59, tzinfo=dt.UTC),  # New York's DST starts at 07:00
    dt.datetime(2024, 11, 3, 5, 30, tzinfo=dt.UTC),  # ...and its repeated hour
    dt.datetime(2024, 12, 31, 23, 59, 59, 500000, tzinfo=dt.UTC),
    None,
]
AMOUNTS = [
    Decimal("-12345678901234567890.1234567890"),
    Decimal("0.0000000001"),
    Decimal("0"),
    Decimal("-0.5"),
    None,
]
PRICES = [Decimal("-0.01"), Decimal("9999999999.99"), Decimal("0.00"), Decimal("-12.50"), None]


@pytest.fixture
def hostile_rows(postgresql, settings):
    """The hostile table and its rows, dropped after the test."""
    settings.TIME_ZONE = "Asia/Seoul"
    with connection.schema_editor() as editor:
        editor.create_model(HostileRow)
    yield _hostile_rows()
    with connection.schema_editor() as editor:
        editor.delete_model(HostileRow)


def _hostile_rows() -> list[HostileRow]:
    users = [
        get_user_model().objects.create(username="=cmd", email="a,b@example.com", is_staff=True),
        get_user_model().objects.create(username="사용자\n둘", email=""),
    ]
    kinds = [*HostileRow.Kind.values, "unknown", "=unknown", "", None]
    rows = []
    for position, text in enumerate(TEXTS):
        rows.append(
            HostileRow(
                text=text,
                note=None if position % 3 == 0 else TEXTS[-position - 1],
                number=[None, 0, -7, 2**31 - 1, 1][position % 5],
                flag=[True, False, None][position % 3],
                amount=AMOUNTS[position % len(AMOUNTS)],
                price=PRICES[position % len(PRICES)],
                kind=kinds[position % len(kinds)],
                level=[1, 2, 3, None][position % 4],
                at=DATETIMES[position % len(DATETIMES)],
                day=[dt.date(1, 1, 1), dt.date(2024, 2, 29), None][position % 3],
                user=[users[0], users[1], None][position % 3],
            )
        )
    return HostileRow.objects.bulk_create(rows)


def _hostile(**options: Any) -> HostileDownloader:
    return HostileDownloader(queryset=HostileRow.objects.all(), **options)


# The same bytes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"value_convert_map": None},
        {
            "value_convert_map": {
                None: "",
                True: "예",
                False: "=no",
                "": "(빈칸)",
                "=1+1": "safe",
                -7: None,  # 0 and 1 are the keys False and True
                2**31 - 1: "max",
                1.5: "never",
            }
        },
        {"neutralize_formulas": False},
        {"include_bom": False},
        {"time_zone": "America/New_York"},
        {"time_zone": "UTC", "relation_headers": False},
        {"chunk_size": 3},  # chunks with quotes and chunks without
    ],
    ids=["defaults", "no-map", "own-map", "formulas-kept", "no-bom", "new-york", "utc", "chunks"],
)
def test_copy_writes_the_python_bytes_for_hostile_values(hostile_rows, s3, options):
    content = assert_copy_writes_the_same_bytes(_hostile, rows=len(TEXTS), **options)

    texts = [row[1] for row in csv_rows(content)[1:]]
    assert texts[TEXTS.index("line\nbreak")] == "line\nbreak"
    assert texts[TEXTS.index("crlf\r\nend")] == "crlf\r\nend"


class JobStatusSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = ExportJob
        fields = ["id", "username", "export_name", "status", "created_at", "finished_at"]


def test_copy_writes_choice_labels_in_the_readers_language(postgresql, s3):
    ExportJobFactory.create_batch(3, status=ExportJob.Status.FAILED)

    def jobs(**options: Any) -> CSVDownloader:
        return JobCSVDownloader(
            queryset=ExportJob.objects.all(), serializer_class=JobStatusSerializer, **options
        )

    with translation.override("ko"):
        content = assert_copy_writes_the_same_bytes(jobs, rows=3)

    assert "실패" in content.decode()


def test_an_empty_export_is_its_header_line(hostile_rows, s3):
    def none(**options: Any) -> CSVDownloader:
        return HostileDownloader(queryset=HostileRow.objects.filter(pk__in=[]), **options)

    assert_copy_writes_the_same_bytes(none, rows=0)


# Progress, cancelling ------------------------------------------------------------------------


def test_progress_counts_the_rows_streamed_by_copy(hostile_rows):
    beats: list[tuple[int, int]] = []
    downloader = _hostile(chunk_size=4, celery_progress_row_offset=4, on_progress=_record(beats))

    content = file_bytes(downloader)

    assert downloader.uses_copy()
    assert downloader.row_count == len(TEXTS) == len(csv_rows(content)) - 1
    assert beats[:-1] == [(rows, len(TEXTS)) for rows in range(4, len(TEXTS), 4)]
    assert beats[-1] == (len(TEXTS), len(TEXTS))


def _record(beats: list[tuple[int, int]]):
    def on_progress(processed: int, total: int) -> None:
        beats.append((processed, total))

    return on_progress


class Stop(Exception):
    pass


def _stop(processed: int, total: int) -> None:
    raise Stop


def test_a_job_ended_mid_copy_stops_it_and_leaves_the_connection_usable(hostile_rows, s3):
    downloader = _hostile(chunk_size=2, celery_progress_row_offset=2, on_progress=_stop)

    with pytest.raises(Stop):
        downloader.get_result_as_download_url()

    assert downloader.uses_copy()
    assert downloader.file_key is None
    assert HostileRow.objects.count() == len(TEXTS)  # the same connection answers


def test_a_client_that_goes_away_stops_the_copy(hostile_rows):
    response = _hostile(chunk_size=2).get_result_as_streaming_response()
    chunks = iter(cast(Iterator[bytes], response.streaming_content))

    next(chunks), next(chunks)  # the header line, then two rows
    response.close()

    assert HostileRow.objects.count() == len(TEXTS)


# The Python path, and why ---------------------------------------------------------------------


class OwnRowDownloader(HostileDownloader):
    def get_csv_row(self, data):
        return super().get_csv_row(data)


class NewOptionDownloader(HostileDownloader):
    _OPTIONS = HostileDownloader._OPTIONS | {"mask_personal_data"}
    mask_personal_data = True


class PriceTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = HostileRow
        fields = ["id", "amount"]


class AmountValueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.ReadOnlyField()  # str(Decimal) of ten places writes 1E-10


class FloatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.FloatField()


class SingleSerializer(serializers.Serializer):
    text = serializers.CharField()


def _with(serializer: type[serializers.Serializer], **options: Any) -> HostileDownloader:
    return _hostile(serializer_class=serializer, **options)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: _hostile(use_copy=False), "use_copy is off"),
        (lambda: _hostile(row_error_policy="skip"), "row_error_policy is 'skip'"),
        (
            lambda: OwnRowDownloader(queryset=HostileRow.objects.all()),
            "get_csv_row overridden",
        ),
        (
            lambda: NewOptionDownloader(queryset=HostileRow.objects.all()),
            "options unknown to the COPY path: mask_personal_data",
        ),
        (
            lambda: _hostile(datetime_format="%d/%m/%Y"),
            "column 'at': datetime_format '%d/%m/%Y' has no SQL spelling here",
        ),
        (
            lambda: _hostile(datetime_format=None),
            "column 'at': DateTimeField's representation does not map",
        ),
        (
            lambda: _with(AmountValueSerializer),
            "column 'amount': str(Decimal) of 10 places",
        ),
        (
            lambda: _with(AmountValueSerializer, value_convert_map={Decimal(0): "zero"}),
            "column 'amount': the value map has decimal keys",
        ),
        (lambda: _with(FloatSerializer), "column 'number': FloatField's representation"),
        (lambda: _with(SingleSerializer), "one column only"),
        (
            lambda: HostileDownloader(queryset=HostileRow.objects.distinct()),
            "the queryset is DISTINCT, grouped or combined",
        ),
    ],
    ids=[
        "switched-off",
        "skip-policy",
        "own-get-csv-row",
        "new-option",
        "other-datetime-format",
        "iso-datetimes",
        "long-decimal-value",
        "decimal-key",
        "float",
        "one-column",
        "distinct",
    ],
)
def test_what_copy_does_not_map_takes_the_python_path_and_says_why(
    hostile_rows, s3, caplog, make, reason
):
    with caplog.at_level(logging.INFO, logger="apps.common.exports.downloader"):
        downloader = make()
        content = file_bytes(downloader)

    assert not downloader.uses_copy()
    assert downloader.copy_refused is not None
    assert downloader.copy_refused.startswith(reason)
    said = [record for record in caplog.records if "not COPY" in record.getMessage()]
    assert len(said) == 1, "the reason is logged once per export"
    assert reason in said[0].getMessage()
    assert len(csv_rows(content)) == len(TEXTS) + 1


def test_a_method_field_takes_the_python_path(postgresql, caplog):
    ExportJobFactory.create()
    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(), serializer_class=MixedJobCSVSerializer
    )

    file_bytes(downloader)

    assert downloader.copy_refused == (
        "columns not read from the database: negative, owner, full_name"
    )


@pytest.mark.parametrize(("mask", "copied"), [(mask_name, False), (None, True)])
def test_a_masked_column_takes_the_python_path(hostile_rows, mask, copied):
    """A mask is a Python function of the value: a column option the COPY path does not map."""
    downloader = _hostile()
    plan = downloader.column_plan
    plan.columns = tuple(
        replace(column, mask=mask) if column.name == "username" else column
        for column in plan.columns
    )

    assert downloader.uses_copy() is copied
    if not copied:
        assert downloader.copy_refused == "column 'username': option 'mask' is not mapped"


def test_a_representation_replaced_after_planning_takes_the_python_path(hostile_rows):
    downloader = _hostile()
    plan = downloader.column_plan
    plan.columns = tuple(
        type(column)(**{**_options(column), "represent": str.upper})
        if column.name in {"kind", "text"}
        else column
        for column in plan.columns
    )

    assert not downloader.uses_copy()
    assert downloader.copy_refused == "column 'text': CharField's representation does not map"


def _options(column: Any) -> dict[str, Any]:
    """A column's options as they are (`asdict` would copy the represent functions)."""
    return {option.name: getattr(column, option.name) for option in fields(column)}


def test_inside_a_transaction_the_python_path_says_so(hostile_rows):
    with transaction.atomic():
        downloader = _hostile()
        content = file_bytes(downloader)

    assert downloader.copy_refused == "inside a transaction"
    assert len(csv_rows(content)) == len(TEXTS) + 1


def test_without_postgresql_the_python_path_says_so(other_database):
    ExportJobFactory.create()
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all())

    file_bytes(downloader)

    assert downloader.copy_refused == f"the database is {connection.vendor}, not PostgreSQL"


def test_a_job_cancelled_while_copy_runs_stops_and_uploads_nothing(
    postgresql, s3, settings, export_registry, monkeypatch, tmp_path
):
    monkeypatch.setattr(jobs, "PROGRESS_WRITE_SECONDS", 0)  # beat at every progress write
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ExportJobFactory.create_batch(9)
    job = ExportJobFactory.create()
    beats: list[bool] = []

    class CancelledAtItsFirstBeat(JobCSVDownloader):
        serializer_class = JobStatusSerializer
        chunk_size = 2
        celery_progress_row_offset = 2

        def _report_progress(self, processed: int, total: int) -> None:
            beats.append(self.uses_copy())
            if len(beats) == 1:
                export_job_cancel(job=ExportJob.objects.get(pk=job.pk))
            super()._report_progress(processed, total)

    export_registry.export_register(job_export(CancelledAtItsFirstBeat, name=job.export_name))
    export_job_run(job_id=job.pk, celery_task_id="task-1")

    job.refresh_from_db()  # the connection that ran the COPY answers
    assert job.status == ExportJob.Status.CANCELLED
    assert beats == [True], "written by COPY, stopped at its first beat"
    assert list(tmp_path.iterdir()) == [], "the temporary folder is removed"
    assert s3.client.list_objects_v2(Bucket=settings.EXPORTS_S3_BUCKET)["KeyCount"] == 0
