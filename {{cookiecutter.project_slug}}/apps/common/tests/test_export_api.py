"""`ExportApi`, wired over the test export of ExportJob rows (see export_urls.py)."""

import tempfile

import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from apps.common.exports.formats import XLSX_MEDIA_TYPE
from apps.common.models import ExportJob

from .export_helpers import (
    ExplosiveColumnSerializer,
    JobCSVDownloader,
    JobFilter,
    assert_same_cells,
    csv_rows,
    s3_body,
    streamed,
    xlsx_rows,
)
from .export_urls import urlpatterns
from .factories import ExportJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_api_urls")]

EXPORT_URL = "/jobs/export/"


def test_get_streams_the_filtered_rows_whatever_the_client_accepts(staff_client):
    wanted = ExportJobFactory.create(status=ExportJob.Status.FAILED, export_name="wanted")
    ExportJobFactory.create(status=ExportJob.Status.RUNNING)

    for accept in ("text/csv", "application/json", "text/html", "*/*"):
        response = staff_client.get(EXPORT_URL, {"status": "failed"}, HTTP_ACCEPT=accept)

        assert response["Content-Type"] == "text/csv; charset=utf-8"
        [_, row] = csv_rows(streamed(response))
        assert row[:4] == [str(wanted.pk), wanted.user.username, "N", "wanted"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="jobs_{timezone.localdate():%Y%m%d}_')


def test_post_starts_a_job_and_answers_202_with_its_status_url(
    staff_client, staff_user, s3, django_capture_on_commit_callbacks
):
    ExportJobFactory.create_batch(2, status=ExportJob.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{EXPORT_URL}?status=failed", HTTP_ACCEPT="text/csv")

    assert response.status_code == 202
    job = ExportJob.objects.get(user=staff_user)
    status_url = f"http://testserver{reverse('export-job-detail', args=[job.pk])}"
    assert response.json() == {"job_id": job.pk, "status": "pending", "status_url": status_url}
    assert response["Location"] == status_url
    assert (job.export_name, job.query_params) == ("jobs", {"status": "failed"})
    status = staff_client.get(status_url).json()
    assert (status["status"], status["row_count"]) == ("succeeded", 2)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_filter_is_a_json_400_naming_it_and_starts_nothing(staff_client, method):
    response = getattr(staff_client, method)(f"{EXPORT_URL}?min_progress=lots")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["min_progress"]
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_row_limit_breach_is_a_400_saying_what_to_do_and_starts_nothing(
    staff_client, settings, method
):
    ExportJobFactory.create_batch(3)
    settings.EXPORTS_ROW_LIMIT = 2

    response = getattr(staff_client, method)(EXPORT_URL)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [
            "This export has 3 rows, more than the limit of 2. Narrow the filters and try again."
        ]
    }
    assert ExportJob.objects.count() == 3


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_views_permission_classes_apply(api_client, user_client, method):
    assert getattr(api_client, method)(EXPORT_URL).status_code == 401
    assert getattr(user_client, method)(EXPORT_URL).status_code == 403
    assert not ExportJob.objects.exists()


def test_the_schema_takes_the_query_parameters_from_the_filterset_without_warnings():
    GENERATOR_STATS.reset()
    patterns = [pattern for pattern in urlpatterns if getattr(pattern, "name", "") == "job-export"]

    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)

    assert not GENERATOR_STATS
    operations = schema["paths"][EXPORT_URL]
    assert set(JobFilter.base_filters) == {"status", "min_progress", "statuses", "name"}
    filters = {"status", "min_progress", "statuses", "name"}
    get_parameters = {parameter["name"] for parameter in operations["get"]["parameters"]}
    post_parameters = {parameter["name"] for parameter in operations["post"]["parameters"]}
    assert get_parameters == {*filters, "format", "reason", "Prefer"}
    assert post_parameters == {*filters, "format", "reason"}
    assert list(operations["get"]["responses"]["200"]["content"]) == [
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    assert set(operations["get"]["responses"]) == {
        *("200", "202", "400", "401", "403", "414", "422", "429")
    }
    assert set(operations["post"]["responses"]) == {"202", "400", "401", "403", "414", "429"}


@pytest.mark.parametrize(
    ("query", "accept"),
    [("?format=xlsx", "text/csv"), ("", f"{XLSX_MEDIA_TYPE}, */*;q=0.1")],
    ids=["query", "accept"],
)
def test_get_answers_xlsx_with_the_same_cells_as_the_csv(staff_client, query, accept):
    ExportJobFactory.create_batch(3, status=ExportJob.Status.FAILED, export_name="=cmd")

    xlsx = staff_client.get(f"{EXPORT_URL}{query}", HTTP_ACCEPT=accept)
    csv_file = staff_client.get(EXPORT_URL)

    assert xlsx["Content-Type"] == XLSX_MEDIA_TYPE
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    assert_same_cells(csv_rows(streamed(csv_file)), xlsx_rows(streamed(xlsx)))


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_format_is_a_400_naming_the_formats_offered(staff_client, method):
    response = getattr(staff_client, method)(f"{EXPORT_URL}?format=pdf")

    assert response.status_code == 400
    assert response.json()["errors"] == {"format": ["Unknown format 'pdf': use one of csv, xlsx."]}
    assert not ExportJob.objects.exists()


def test_post_xlsx_records_the_format_and_writes_a_sheet(
    staff_client, staff_user, s3, django_capture_on_commit_callbacks
):
    ExportJobFactory.create_batch(2, status=ExportJob.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{EXPORT_URL}?status=failed&format=xlsx")

    job = ExportJob.objects.get(user=staff_user)
    assert response.status_code == 202
    assert (job.file_format, job.query_params, job.status) == (
        "xlsx",
        {"status": "failed"},
        "succeeded",
    )
    assert job.file_name.endswith(".xlsx")
    assert len(xlsx_rows(s3_body(s3, job.file_bucket, job.file_key))) == 3


def test_post_twice_returns_the_same_job_and_over_the_cap_is_a_429(staff_client, settings):
    settings.EXPORTS_MAX_ACTIVE_JOBS_PER_USER = 2

    first = staff_client.post(f"{EXPORT_URL}?status=failed")
    again = staff_client.post(f"{EXPORT_URL}?status=failed")
    other = staff_client.post(f"{EXPORT_URL}?status=failed&format=xlsx")
    refused = staff_client.post(f"{EXPORT_URL}?status=running")

    assert first.json() == again.json()
    assert other.json()["job_id"] != first.json()["job_id"]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert refused.json()["detail"].startswith("You already have 2 exports waiting or running")
    assert ExportJob.objects.count() == 2


def test_get_above_the_streaming_limit_is_a_400_saying_to_start_a_job(staff_client, settings):
    settings.EXPORTS_STREAM_MAX_ROWS = 2
    ExportJobFactory.create_batch(2)
    assert staff_client.get(EXPORT_URL).status_code == 200, "at the limit: streamed"
    ExportJobFactory.create()

    response = staff_client.get(EXPORT_URL)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "This export has 3 rows, more than the 2 a download streams. Start an export "
        "job: POST to this URL, or send the header `Prefer: respond-async`.",
        "errors": {},
    }
    assert ExportJob.objects.count() == 3


def test_get_above_the_limit_with_prefer_respond_async_starts_a_job(
    staff_client, staff_user, settings, s3, django_capture_on_commit_callbacks
):
    settings.EXPORTS_STREAM_MAX_ROWS = 2
    ExportJobFactory.create_batch(3, status=ExportJob.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.get(
            f"{EXPORT_URL}?status=failed&format=xlsx", HTTP_PREFER="wait=5, respond-async"
        )

    assert response.status_code == 202
    assert response["Preference-Applied"] == "respond-async"
    job = ExportJob.objects.get(user=staff_user)
    assert response["Location"].endswith(reverse("export-job-detail", args=[job.pk]))
    assert (job.file_format, job.status, job.row_count) == ("xlsx", "succeeded", 3)


def test_an_xlsx_with_a_bad_row_is_a_422_naming_it_and_leaves_no_file(
    staff_client, export_registry, settings, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    bad = ExportJobFactory.create(export_name="boom")
    monkeypatch.setattr(JobCSVDownloader, "serializer_class", ExplosiveColumnSerializer)

    response = staff_client.get(f"{EXPORT_URL}?format=xlsx")

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"The row with primary key {bad.pk} could not be exported: cannot represent boom",
        "errors": {},
    }
    assert list(tmp_path.iterdir()) == []
