"""XLSX: the same rows and cells as the CSV, typed cells, a bold frozen header, constant memory
writing through a temporary folder that never outlives the export."""

import tempfile
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.common.exports import downloader as downloader_module
from apps.common.exports.formats import XLSX_MEDIA_TYPE
from apps.common.models import ExportJob
from apps.users.tests.factories import UserFactory

from .export_helpers import (
    ExplosiveColumnSerializer,
    JobCSVDownloader,
    MixedJobCSVSerializer,
    assert_same_cells,
    csv_rows,
    s3_body,
    streamed,
    xlsx_rows,
    xlsx_sheet,
)
from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db

HOSTILE_TEXTS = [
    "=1+2",
    "+SUM(A1:A2)",
    "-2+3",
    "@cmd",
    "\tTAB",
    '=HYPERLINK("http://evil")',
    '한국어, "따옴표"',
    "line\nbreak",
    "-",
    "",
    "00123",
    "1e5",
]


@pytest.fixture
def jobs():
    user = UserFactory.create(last_login=datetime(2024, 2, 29, 23, 59, 59, 123000, tzinfo=UTC))
    created = [
        ExportJobFactory.create(
            user=user,
            export_name=text,
            progress=number,
            query_params={"name": text, "n": [number, None]},
            finished_at=timezone.now() if number % 2 else None,
        )
        for number, text in enumerate(HOSTILE_TEXTS)
    ]
    return created


def _csv_and_xlsx(downloader_class=JobCSVDownloader, **options):
    queryset = ExportJob.objects.all()
    csv_file = streamed(
        downloader_class(queryset=queryset, **options).get_result_as_streaming_response()
    )
    xlsx_response = downloader_class(
        queryset=queryset, file_format="xlsx", **options
    ).get_result_as_streaming_response()
    return csv_rows(csv_file), xlsx_response


@pytest.mark.parametrize("serializer_class", [None, MixedJobCSVSerializer])
def test_the_xlsx_holds_the_csvs_rows_and_cells(jobs, serializer_class, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    options = {"serializer_class": serializer_class} if serializer_class else {}

    csv_file, response = _csv_and_xlsx(**options)

    assert response["Content-Type"] == XLSX_MEDIA_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    xlsx_file = xlsx_rows(streamed(response))
    assert len(xlsx_file) == len(HOSTILE_TEXTS) + 1
    assert_same_cells(csv_file, xlsx_file)


def test_text_is_never_a_formula_and_numbers_and_dates_keep_their_types(jobs, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    response = JobCSVDownloader(
        queryset=ExportJob.objects.order_by("pk"), file_format="xlsx", ordering_fields="pk"
    ).get_result_as_streaming_response()

    sheet = xlsx_sheet(streamed(response))

    header = [cell.value for cell in sheet[1]]
    assert header == JobCSVDownloader(queryset=ExportJob.objects.all()).get_csv_headers()
    assert header[1] == "사용자"
    names = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in names] == HOSTILE_TEXTS
    assert {cell.data_type for cell in names} == {"s"}
    progress = [row[5] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in progress] == list(range(len(HOSTILE_TEXTS)))
    assert {cell.data_type for cell in progress} == {"n"}
    first = jobs[0]
    created = sheet.cell(row=2, column=8)
    assert created.is_date
    local = timezone.localtime(first.created_at).replace(tzinfo=None)
    assert abs(created.value - local) < timedelta(milliseconds=1)  # Excel keeps milliseconds
    last_login = sheet.cell(row=2, column=9)
    assert last_login.value == datetime(2024, 3, 1, 8, 59, 59, 123000)  # Seoul, UTC+9
    assert sheet.cell(row=2, column=10).value == "-"  # None, as the CSV writes it


def test_the_header_is_bold_and_frozen_and_columns_are_wide_enough(jobs):
    response = JobCSVDownloader(
        queryset=ExportJob.objects.all(), file_format="xlsx"
    ).get_result_as_streaming_response()

    sheet = xlsx_sheet(streamed(response))

    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet.cell(row=2, column=1).font.bold
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert widths["H"] >= 19  # a datetime: "2024-03-01 08:59:59"
    assert all(8 <= width <= 50 for width in widths.values())


def test_the_s3_file_is_the_same_sheet_with_its_content_type(jobs, s3, settings):
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), file_format="xlsx")

    downloader.get_result_as_download_url()

    assert downloader.file_name is not None
    assert downloader.file_key is not None
    assert downloader.file_name.endswith(".xlsx")
    assert "/xlsx/" in downloader.file_key
    stored = s3.client.get_object(Bucket=downloader.s3_bucket, Key=downloader.file_key)
    assert stored["ContentType"] == XLSX_MEDIA_TYPE
    streamed_sheet = xlsx_rows(
        streamed(
            JobCSVDownloader(
                queryset=ExportJob.objects.all(), file_format="xlsx"
            ).get_result_as_streaming_response()
        )
    )
    assert xlsx_rows(s3_body(s3, downloader.s3_bucket, downloader.file_key)) == streamed_sheet


def test_no_temporary_folder_outlives_an_export_finished_or_failed(jobs, s3, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    streamed(
        JobCSVDownloader(
            queryset=ExportJob.objects.all(), file_format="xlsx"
        ).get_result_as_streaming_response()
    )
    JobCSVDownloader(
        queryset=ExportJob.objects.all(), file_format="xlsx"
    ).get_result_as_download_url()
    ExportJobFactory.create(export_name="boom")
    failing = JobCSVDownloader(
        queryset=ExportJob.objects.all(),
        file_format="xlsx",
        serializer_class=ExplosiveColumnSerializer,
    )

    with pytest.raises(downloader_module.ExportRowError, match="could not be exported"):
        failing.get_result_as_download_url()

    assert list(tmp_path.iterdir()) == []
    assert s3.client.list_objects_v2(Bucket=failing.s3_bucket)["KeyCount"] == 1


def test_bad_rows_are_skipped_the_same_way_in_both_formats(jobs):
    ExportJobFactory.create(export_name="boom")
    options = {
        "serializer_class": ExplosiveColumnSerializer,
        "row_error_policy": "skip",
        "max_skipped_share": 0.5,
    }

    csv_file, response = _csv_and_xlsx(**options)

    xlsx_file = xlsx_rows(streamed(response))
    assert len(xlsx_file) == len(HOSTILE_TEXTS) + 1
    assert_same_cells(csv_file, xlsx_file)


def test_an_export_larger_than_a_sheet_is_a_400_before_any_file(jobs, monkeypatch):
    monkeypatch.setattr(downloader_module, "XLSX_MAX_ROWS", len(HOSTILE_TEXTS))
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), file_format="xlsx")

    with pytest.raises(downloader_module.ValidationError) as error:
        downloader.get_result_as_streaming_response()

    assert isinstance(error.value.detail, list)
    assert str(error.value.detail[0]) == (
        "This export has 12 rows; an XLSX sheet holds at most 11. Narrow the filters, or "
        "export CSV."
    )


def test_an_unknown_format_is_refused_naming_the_formats_offered():
    with pytest.raises(downloader_module.ValidationError) as error:
        JobCSVDownloader(queryset=ExportJob.objects.all(), file_format="pdf")

    assert error.value.detail == {"format": ["Unknown format 'pdf': use one of csv, xlsx."]}
