"""Test-only serializers, FilterSet and downloader over ExportJob and User, and the one way
the tests read a CSV file (and an XLSX file, and compare the two).

The export tests use these instead of the example apps, which a project may switch off.
"""

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, cast

import django_filters
import openpyxl
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers

from apps.common import CSVDownloader
from apps.common.exports import Export, ListViewPipeline
from apps.common.exports.csv_format import BOM, neutralize_formula
from apps.common.exports.s3 import S3ClientService
from apps.common.models import ExportJob
from apps.common.permissions import IsStaff


class JobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExportJob.Status.choices)
    min_progress = django_filters.NumberFilter(field_name="progress", lookup_expr="gte")
    statuses = django_filters.MultipleChoiceFilter(
        field_name="status", choices=ExportJob.Status.choices
    )
    name = django_filters.CharFilter(field_name="export_name", lookup_expr="icontains")

    class Meta:
        model = ExportJob
        fields: list[str] = []


class JobCSVSerializer(serializers.ModelSerializer):
    """Database columns only: model fields, and dotted paths across the user foreign key."""

    username = serializers.CharField(source="user.username", label="사용자")
    is_staff = serializers.BooleanField(source="user.is_staff")
    last_login = serializers.DateTimeField(source="user.last_login")  # null, required

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "username",
            "is_staff",
            "export_name",
            "status",
            "progress",
            "query_params",
            "created_at",
            "last_login",
            "finished_at",
        ]


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username"]


class MixedJobCSVSerializer(JobCSVSerializer):
    """Database columns mixed with method fields, a nested serializer and a callable source."""

    negative = serializers.SerializerMethodField()
    owner = UserBriefSerializer(source="user")
    full_name = serializers.CharField(source="user.get_full_name")

    class Meta(JobCSVSerializer.Meta):
        fields = [*JobCSVSerializer.Meta.fields, "negative", "owner", "full_name"]

    def get_negative(self, job: ExportJob) -> int:
        return -job.progress


class Explosive(serializers.CharField):
    """Fails on the value "boom": a column read from the database that cannot be represented."""

    def to_representation(self, value):
        if value == "boom":
            raise ValueError("cannot represent boom")
        return super().to_representation(value)


class ExplosiveColumnSerializer(serializers.ModelSerializer):
    export_name = Explosive()

    class Meta:
        model = ExportJob
        fields = ["id", "export_name"]


class ExplosiveMethodSerializer(serializers.ModelSerializer):
    """Fails on "boom" in a method field: a column read from model instances."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "name"]

    def get_name(self, job):
        if job.export_name == "boom":
            raise ValueError("cannot represent boom")
        return job.export_name


class JobCSVDownloader(CSVDownloader):
    filterset_class = JobFilter
    serializer_class: type[serializers.Serializer] = JobCSVSerializer
    file_prefix = "jobs"


def job_list() -> QuerySet[ExportJob]:
    return ExportJob.objects.order_by("-pk")


class JobListApi(generics.ListAPIView):
    """A list of ExportJob rows filtered by `JobFilter`: the test export's list."""

    permission_classes = [IsStaff]
    serializer_class = JobCSVSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = JobFilter

    def get_queryset(self) -> QuerySet[ExportJob]:
        return job_list()


def job_export(
    downloader_class: type[CSVDownloader] = JobCSVDownloader, name: str = "jobs"
) -> Export:
    """The test export over `JobListApi`, with another downloader class or name if asked."""
    return Export(
        name=name,
        downloader_class=downloader_class,
        pipeline=ListViewPipeline(view_class=JobListApi),
    )


def streamed(response: StreamingHttpResponse) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(cast(Iterator[bytes], response.streaming_content))


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV file as a spreadsheet would split them (a leading BOM removed)."""
    text = content.decode("utf-8").removeprefix(BOM)
    return list(csv.reader(io.StringIO(text, newline="")))


def s3_body(s3: S3ClientService, bucket: str, key: str) -> bytes:
    return s3.client.get_object(Bucket=bucket, Key=key)["Body"].read()


def xlsx_sheet(content: bytes) -> Any:
    """The first (only) sheet of an XLSX file, as openpyxl reads it."""
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


def xlsx_rows(content: bytes) -> list[list[Any]]:
    return [list(row) for row in xlsx_sheet(content).iter_rows(values_only=True)]


def assert_same_cells(csv_file: list[list[str]], xlsx_file: list[list[Any]]) -> None:
    """The same rows and cells: text equal (the CSV's formula prefix aside), numbers and dates
    equal by value (a datetime in the CSV, local text to the second or ISO with its offset, is
    the XLSX's local wall-clock time)."""
    assert len(csv_file) == len(xlsx_file)
    for number, (csv_row, xlsx_row) in enumerate(zip(csv_file, xlsx_file, strict=True)):
        assert len(csv_row) == len(xlsx_row), f"row {number}"
        for text, value in zip(csv_row, xlsx_row, strict=True):
            assert _same_cell(text, value), f"row {number}: {text!r} (CSV) != {value!r} (XLSX)"


def _same_cell(text: str, value: Any) -> bool:
    if value is None:
        return text == ""
    if isinstance(value, datetime):
        written = datetime.fromisoformat(text)
        if written.tzinfo is None:
            # CSV: local wall-clock time cut to the second; XLSX: the fraction kept, which
            # openpyxl may read back rounded up to the next second.
            return timedelta(0) <= value - written <= timedelta(seconds=1)
        local = timezone.localtime(written).replace(tzinfo=None)
        return abs(local - value) < timedelta(milliseconds=1)
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, int | float):
        return float(text) == value
    return text == neutralize_formula(value)
