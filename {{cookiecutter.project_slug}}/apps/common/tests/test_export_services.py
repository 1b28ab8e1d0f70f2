import pytest
from django.http import QueryDict
from django.utils import translation
from rest_framework.exceptions import ValidationError

from apps.common.exports import export_job_start
from apps.common.models import ExportJob

from .factories import ExportJobFactory

pytestmark = pytest.mark.django_db


def test_start_records_a_pending_job_and_enqueues_it_only_after_commit(
    staff_user, s3, django_capture_on_commit_callbacks
):
    params = QueryDict("is_staff=true&joined_after=2020-01-01")

    with django_capture_on_commit_callbacks() as callbacks:
        job = export_job_start(user=staff_user, export_name="users", query_params=params)

    job.refresh_from_db()
    assert (job.status, job.user, job.export_name) == ("pending", staff_user, "users")
    assert job.query_params == {"is_staff": "true", "joined_after": "2020-01-01"}
    assert len(callbacks) == 1

    callbacks[0]()

    job.refresh_from_db()
    assert (job.status, job.row_count) == (ExportJob.Status.SUCCEEDED, 1)


@pytest.mark.parametrize(
    ("export_name", "query_params", "field", "message"),
    [
        ("nope", {}, "export_name", "There is no export called 'nope'. Known exports: "),
        ("users", {"joined_after": "yesterday"}, "joined", "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_before_any_job_exists(
    staff_user, export_name, query_params, field, message
):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        export_job_start(user=staff_user, export_name=export_name, query_params=query_params)

    assert any(text.startswith(message) for text in map(str, error.value.detail[field]))
    assert not ExportJob.objects.exists()


def test_a_row_limit_breach_is_refused_before_any_job_exists(staff_user, settings):
    ExportJobFactory.create_batch(2)  # three users now
    settings.EXPORTS_ROW_LIMIT = 2
    jobs_before = ExportJob.objects.count()

    with pytest.raises(ValidationError, match="This export has 3 rows, more than the limit of 2"):
        export_job_start(user=staff_user, export_name="users", query_params={})

    assert ExportJob.objects.count() == jobs_before
