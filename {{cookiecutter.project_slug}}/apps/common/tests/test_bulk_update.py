"""bulk_update_rows writes the named fields of the given rows, nothing else, in any batch size:
on PostgreSQL its UPDATE ... FROM (VALUES ...) (run these with TEST_DATABASE_URL), elsewhere
Django's bulk_update()."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.common import bulk_update
from apps.common.bulk_update import bulk_update_rows
from apps.common.models import ExportJob

from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db

FINISHED = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_the_named_fields_of_the_given_rows_change_and_nothing_else(monkeypatch):
    monkeypatch.setattr(bulk_update, "MAX_PARAMETERS", 10)  # 5 columns: 2 rows a statement
    jobs = ExportJobFactory.create_batch(5, file_name="kept.csv")
    untouched = ExportJobFactory.create(progress=7)
    for index, job in enumerate(jobs):
        job.progress = 100 + index
        job.error_params = {"row": index, "text": "it's 'quoted' \"here\""}
        job.finished_at = FINISHED if index % 2 else None
        job.user = jobs[0].user
        job.file_name = "not written.csv"  # not a field named below

    with CaptureQueriesContext(connection) as captured:
        bulk_update_rows(jobs, ["progress", "error_params", "finished_at", "user"])

    updates = [query for query in captured if query["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == (3 if connection.vendor == "postgresql" else 1)
    stored = {job.pk: job for job in ExportJob.objects.all()}
    for index, job in enumerate(jobs):
        row = stored[job.pk]
        assert row.progress == 100 + index
        assert row.error_params == {"row": index, "text": "it's 'quoted' \"here\""}
        assert row.finished_at == (FINISHED if index % 2 else None)
        assert row.user_id == jobs[0].user_id
        assert row.file_name == "kept.csv"
    assert stored[untouched.pk].progress == 7


def test_no_rows_is_no_statement():
    with CaptureQueriesContext(connection) as captured:
        bulk_update_rows([], ["progress"])

    assert len(captured) == 0
