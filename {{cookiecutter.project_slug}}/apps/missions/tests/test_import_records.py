"""An applied import is an access record, written in the transaction of its rows; a preview and
a refused import write none."""

import pytest
from django.urls import reverse

from apps.common.access.models import AccessRecord
from apps.missions.models import Mission

from .factories import MissionFactory
from .import_helpers import csv_file, exported_rows

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("mission-import")


def _import_records():
    return AccessRecord.objects.filter(action=AccessRecord.Action.IMPORT_APPLIED)


def _one_title_edited(client) -> list[list[str]]:
    MissionFactory.create_batch(3)
    rows = exported_rows(client, reverse("mission-export"), language="en")
    rows[1][rows[0].index("title")] = "edited title"
    return rows


def _post(client, rows, query=""):
    return client.post(
        f"{IMPORT_URL}{query}",
        {"file": csv_file(rows)},
        format="multipart",
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_REQUEST_ID="import-request-1",
    )


def test_an_applied_import_is_recorded_with_its_reader_address_request_and_counts(
    staff_client, staff_user
):
    response = _post(staff_client, _one_title_edited(staff_client))

    assert response.status_code == 200, response.json()
    record = _import_records().get()
    assert (
        record.user_id,
        record.username,
        record.client_address,
        record.request_id,
        record.export_name,
        record.file_format,
        record.row_count,
        record.params,
    ) == (
        staff_user.pk,
        staff_user.username,
        "10.1.2.3",
        "import-request-1",
        "missions",
        "csv",
        3,
        {"new": 0, "changed": 1},
    )


def test_a_preview_is_not_recorded(staff_client):
    response = _post(staff_client, _one_title_edited(staff_client), query="?dry_run=1")

    assert response.status_code == 200, response.json()
    assert not _import_records().exists()


def test_a_refused_import_writes_neither_rows_nor_a_record(staff_client):
    rows = _one_title_edited(staff_client)
    rows[2][rows[0].index("Exposed")] = "maybe"

    response = _post(staff_client, rows)

    assert response.status_code == 400
    assert not _import_records().exists()
    assert not Mission.objects.filter(title="edited title").exists()
