import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from apps.common.exports import export_job_start
from apps.common.models import ExportJob

from .factories import ExportJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_registry")]


def test_start_records_a_pending_job_and_enqueues_it_only_after_commit(
    staff_user, s3, django_capture_on_commit_callbacks
):
    ExportJobFactory.create_batch(2, status=ExportJob.Status.FAILED)
    params = QueryDict("statuses=failed&statuses=running&name=export")

    with django_capture_on_commit_callbacks() as callbacks:
        job = export_job_start(user=staff_user, export_name="jobs", query_params=params)

    job.refresh_from_db()
    assert (job.status, job.user, job.export_name) == ("pending", staff_user, "jobs")
    assert job.query_params == {"statuses": ["failed", "running"], "name": "export"}
    assert len(callbacks) == 1

    callbacks[0]()

    job.refresh_from_db()
    assert (job.status, job.row_count) == (ExportJob.Status.SUCCEEDED, 2)


@pytest.mark.parametrize(
    ("export_name", "query_params", "field", "message"),
    [
        ("nope", {}, "export_name", "There is no export called 'nope'. Known exports: "),
        ("jobs", {"status": "lost"}, "status", "Select a valid choice. lost is not one"),
        ("jobs", {"min_progress": "x"}, "min_progress", "Enter a number."),
    ],
)
def test_bad_input_is_refused_before_any_job_exists(
    staff_user, export_name, query_params, field, message
):
    with pytest.raises(ValidationError) as error:
        export_job_start(user=staff_user, export_name=export_name, query_params=query_params)

    assert any(text.startswith(message) for text in map(str, error.value.detail[field]))
    assert not ExportJob.objects.exists()


def test_a_row_limit_breach_is_refused_before_any_job_exists(staff_user, settings):
    ExportJobFactory.create_batch(3)
    settings.EXPORTS_ROW_LIMIT = 2

    with pytest.raises(ValidationError, match="This export has 3 rows, more than the limit of 2"):
        export_job_start(user=staff_user, export_name="jobs", query_params={})

    assert ExportJob.objects.count() == 3
