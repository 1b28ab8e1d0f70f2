"""`ExportApi` through the users export, which every project has."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.common.models import ExportJob
from apps.users.filters import UserFilter
from apps.users.tests.factories import UserFactory

from .export_helpers import csv_rows, streamed

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("user-export")


def test_get_streams_the_filtered_rows_whatever_the_client_accepts(staff_client, staff_user):
    UserFactory(username="plain")

    for accept in ("text/csv", "application/json", "*/*"):
        response = staff_client.get(
            EXPORT_URL, {"is_staff": "true"}, HTTP_ACCEPT=accept, HTTP_ACCEPT_LANGUAGE="en"
        )

        assert response["Content-Type"] == "text/csv; charset=utf-8"
        [header, row] = csv_rows(streamed(response))
        assert header[:3] == ["ID", "username", "Email address"]
        assert row[:3] == [str(staff_user.pk), staff_user.username, staff_user.email]
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="users_{timezone.localdate():%Y%m%d}_')


def test_post_starts_a_job_and_answers_202_with_its_status_url(
    staff_client, staff_user, s3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{EXPORT_URL}?is_staff=true", HTTP_ACCEPT="text/csv")

    assert response.status_code == 202
    body = response.json()
    job = ExportJob.objects.get()
    status_url = f"http://testserver{reverse('export-job-detail', args=[job.pk])}"
    assert body == {"job_id": job.pk, "status": "pending", "status_url": status_url}
    assert response["Location"] == status_url
    assert (job.user, job.export_name, job.query_params) == (
        staff_user,
        "users",
        {"is_staff": "true"},
    )
    status = staff_client.get(status_url).json()
    assert (status["status"], status["row_count"]) == ("succeeded", 1)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_filter_is_a_json_400_naming_it_and_starts_nothing(staff_client, method):
    response = getattr(staff_client, method)(f"{EXPORT_URL}?joined_after=soon")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["joined"]
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_row_limit_breach_is_a_400_saying_what_to_do(staff_client, settings, method):
    UserFactory.create_batch(2)
    settings.EXPORTS_ROW_LIMIT = 2

    response = getattr(staff_client, method)(EXPORT_URL)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [
            "This export has 3 rows, more than the limit of 2. Narrow the filters and try again."
        ]
    }
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_views_permission_classes_apply(api_client, user_client, method):
    assert getattr(api_client, method)(EXPORT_URL).status_code == 403
    assert getattr(user_client, method)(EXPORT_URL).status_code == 403
    assert not ExportJob.objects.exists()


def test_the_schema_has_no_warning_and_takes_the_filters_from_the_filterset(tmp_path):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(schema_file))

    operations = yaml.safe_load(schema_file.read_text())["paths"]["/api/users/export/"]
    assert set(UserFilter.base_filters) == {"is_staff", "is_active", "joined"}
    expected = {"is_staff", "is_active", "joined_after", "joined_before"}  # joined: a date range
    for method in ("get", "post"):
        assert {parameter["name"] for parameter in operations[method]["parameters"]} == expected
    assert list(operations["get"]["responses"]["200"]["content"]) == ["text/csv"]
    assert list(operations["post"]["responses"]) == ["202"]
