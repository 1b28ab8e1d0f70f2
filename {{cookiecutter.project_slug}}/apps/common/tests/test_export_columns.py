import datetime as dt
import zoneinfo

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework import serializers

from apps.common.exports.columns import ColumnPlan
from apps.common.models import ExportJob

from .export_helpers import JobCSVSerializer, MixedJobCSVSerializer
from .factories import ExportJobFactory


def _plan_rows(plan: ColumnPlan, queryset, size: int = 2) -> tuple[list, list]:
    """Every row as the batch path and as the row-by-row path give it."""
    batched: list[list] = []
    one_by_one: list[list] = []
    for batch in plan.batches(queryset, size):
        batched.extend(list(row) for row in zip(*plan.represent_columns(batch), strict=True))
        one_by_one.extend(plan.represent_row(raw) for raw in batch)
    return batched, one_by_one


@pytest.fixture
def jobs(db):
    first = ExportJobFactory.create(
        export_name='한국어, "quoted"', progress=3, query_params={"status": ["a", "b"]}
    )
    second = ExportJobFactory.create(
        export_name="=cmd",
        user__first_name="길동",
        user__last_name="홍",
        user__is_staff=True,
        user__last_login=dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC),
    )
    second.finished_at = dt.datetime(2024, 1, 31, 15, 30, 0, 123456, tzinfo=dt.UTC)
    second.save()
    third = ExportJobFactory.create(progress=0)
    return [first, second, third]


def test_model_fields_and_dotted_paths_are_read_from_the_database_row():
    plan = ColumnPlan(JobCSVSerializer(), ExportJob)

    assert [column.lookup for column in plan.columns] == [
        "id",
        "user__username",
        "user__is_staff",
        "export_name",
        "status",
        "progress",
        "query_params",
        "created_at",
        "user__last_login",
        "finished_at",
    ]


def test_method_fields_nested_serializers_and_callables_are_read_from_instances():
    plan = ColumnPlan(MixedJobCSVSerializer(), ExportJob)
    lookups = {column.name: column.lookup for column in plan.columns}

    assert lookups["negative"] is None
    assert lookups["owner"] is None
    assert lookups["full_name"] is None
    assert lookups["username"] == "user__username"


@pytest.mark.parametrize("serializer_class", [JobCSVSerializer, MixedJobCSVSerializer])
def test_the_plan_gives_exactly_what_the_serializer_gives(jobs, serializer_class):
    queryset = ExportJob.objects.order_by("pk")
    expected = [list(serializer_class(job).data.values()) for job in queryset]

    batched, one_by_one = _plan_rows(ColumnPlan(serializer_class(), ExportJob), queryset)

    assert batched == expected
    assert one_by_one == expected


def test_a_serializer_with_its_own_to_representation_is_called_as_a_whole(jobs):
    class Shouting(JobCSVSerializer):
        def to_representation(self, instance):
            data = super().to_representation(instance)
            data["export_name"] = data["export_name"].upper()
            return data

    queryset = ExportJob.objects.order_by("pk")
    expected = [list(Shouting(job).data.values()) for job in queryset]

    batched, one_by_one = _plan_rows(ColumnPlan(Shouting(), ExportJob), queryset)

    assert batched == one_by_one == expected
    assert expected[0][3] == '한국어, "QUOTED"'


class LogEntryCSVSerializer(serializers.ModelSerializer):
    """`content_type` is a nullable foreign key: a missing related object on the way."""

    model_name = serializers.CharField(source="content_type.model", read_only=True)
    app_label = serializers.CharField(source="content_type.app_label")
    label_or_default = serializers.CharField(source="content_type.app_label", default="none")

    class Meta:
        model = LogEntry
        fields = ["id", "model_name", "app_label", "label_or_default"]


def test_a_nullable_foreign_key_on_the_way_uses_the_database_only_where_drf_gives_none():
    lookups = {c.name: c.lookup for c in ColumnPlan(LogEntryCSVSerializer(), LogEntry).columns}

    assert lookups == {
        "id": "id",
        "model_name": "content_type__model",
        "app_label": None,  # DRF raises for a required field
        "label_or_default": None,  # DRF gives the default
    }


def test_a_missing_related_object_reads_as_drf_reads_it(user):
    content_type = ContentType.objects.get_for_model(ExportJob)
    LogEntry.objects.create(user=user, content_type=content_type, action_flag=1, object_repr="x")
    LogEntry.objects.create(user=user, content_type=None, action_flag=1, object_repr="y")

    class Readable(LogEntryCSVSerializer):
        class Meta(LogEntryCSVSerializer.Meta):
            fields = ["id", "model_name", "label_or_default"]

    queryset = LogEntry.objects.order_by("pk")
    names = Readable.Meta.fields
    # DRF leaves out a read-only field it cannot reach; a CSV cell of a missing key is None.
    expected = [[Readable(entry).data.get(name) for name in names] for entry in queryset]
    batched, one_by_one = _plan_rows(ColumnPlan(Readable(), LogEntry), queryset)

    assert batched == one_by_one == expected
    assert expected[1][1:] == [None, "none"]


def test_headers_use_the_label_else_the_verbose_name_else_the_field_name():
    plan = ColumnPlan(MixedJobCSVSerializer(), ExportJob)
    labels = dict(zip(plan.names, plan.labels, strict=True))

    assert labels["username"] == "사용자"  # the label given
    assert labels["id"] == "ID"  # the label ModelSerializer takes from the verbose name
    staff_status = get_user_model()._meta.get_field("is_staff").verbose_name
    assert labels["is_staff"] == str(staff_status)  # the verbose name across the foreign key
    assert labels["export_name"] == "export name"
    assert labels["negative"] == "negative"  # neither: the field name


AWARE_VALUES = [
    dt.datetime(2024, 1, 31, 15, 30, tzinfo=dt.UTC),
    dt.datetime(2024, 3, 10, 6, 59, 59, 999999, tzinfo=dt.UTC),  # New York: before DST
    dt.datetime(2024, 3, 10, 7, 0, tzinfo=dt.UTC),  # New York: after DST
    dt.datetime(2024, 11, 3, 5, 30, tzinfo=dt.UTC),  # New York: the repeated hour
    dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul")),
]


@pytest.mark.parametrize("zone", ["Asia/Seoul", "America/New_York", "UTC"])
@pytest.mark.parametrize(
    "options",
    [{}, {"format": "%Y-%m-%d %H:%M"}, {"default_timezone": zoneinfo.ZoneInfo("Europe/Paris")}],
    ids=["iso", "format", "field-zone"],
)
def test_datetimes_match_drf_in_the_current_time_zone(zone, options):
    class Serializer(serializers.ModelSerializer):
        finished_at = serializers.DateTimeField(**options)

        class Meta:
            model = ExportJob
            fields = ["finished_at"]

    with timezone.override(zoneinfo.ZoneInfo(zone)):
        serializer = Serializer()
        field = serializer.fields["finished_at"]
        [column] = ColumnPlan(serializer, ExportJob).columns
        represent = column.represent
        assert represent is not None

        assert [represent(value) for value in AWARE_VALUES] == [
            field.to_representation(value) for value in AWARE_VALUES
        ]
        assert represent(None) is None
