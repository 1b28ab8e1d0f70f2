"""The users export: the example of an export that every project carries."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from apps.common.models import ExportJob
from apps.common.tests.export_helpers import csv_rows, streamed

from .factories import UserFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("user-export")


def test_staff_export_the_users_filtered_newest_first(staff_client, staff_user):
    older_staff = UserFactory.create(is_staff=True, username="older")
    UserFactory.create(username="not-staff")

    response = staff_client.get(EXPORT_URL, {"is_staff": "true", "reason": "staff audit"})

    header, *rows = csv_rows(streamed(response))
    assert header == [
        "ID",
        "Username",
        "Email",
        "First name",
        "Last name",
        "Staff",
        "Active",
        "Joined",
        "Last sign-in",
    ]
    assert [row[1] for row in rows] == [older_staff.username, staff_user.username]
    assert rows[0][5:7] == ["Y", "Y"]
    assert rows[0][8] == "-"  # never signed in


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_staff_may_export_users(api_client, user_client, method):
    assert getattr(api_client, method)(EXPORT_URL).status_code == 401
    assert getattr(user_client, method)(EXPORT_URL).status_code == 403


def test_the_project_schema_has_no_warnings_and_the_export_the_list_parameters(tmp_path):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(schema_file))

    paths = yaml.safe_load(schema_file.read_text())["paths"]
    export = paths["/api/users/export/"]
    listed = {parameter["name"] for parameter in paths["/api/users/"]["get"]["parameters"]}
    filters = {"is_staff", "is_active", "joined_after", "joined_before", "search", "ordering"}
    assert listed == filters | {"page", "size"}
    for method, extra in (("get", {"format", "reason", "Prefer"}), ("post", {"format", "reason"})):
        parameters = {parameter["name"] for parameter in export[method]["parameters"]}
        assert parameters == filters | extra


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("x=%00", "Remove the control character (such as NUL) from this parameter."),
        ("joined=2025-01-01", "This export does not take this parameter; it takes: "),
    ],
)
def test_a_parameter_the_list_does_not_take_is_a_400_naming_it_and_stores_no_job(
    staff_client, query, message
):
    response = staff_client.post(f"{EXPORT_URL}?{query}")

    assert response.status_code == 400
    [(name, [error])] = response.json()["errors"].items()
    assert name == query.split("=")[0]
    assert error.startswith(message)
    assert not ExportJob.objects.exists()
