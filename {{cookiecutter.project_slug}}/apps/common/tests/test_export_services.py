import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from apps.common.exports import export_job_start
from apps.common.exports.services import TooManyExportJobs
from apps.common.models import ExportJob
from apps.users.tests.factories import StaffUserFactory

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


def test_the_same_export_already_under_way_is_returned_instead_of_a_new_job(
    staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = export_job_start(
            user=staff_user,
            export_name="jobs",
            query_params=QueryDict("statuses=failed&statuses=running&name=&format=xlsx"),
            file_format="xlsx",
        )
        again = export_job_start(
            user=staff_user,
            export_name="jobs",
            query_params=QueryDict("statuses=running&statuses=failed"),
            file_format="xlsx",
        )
    ExportJob.objects.filter(pk=first.pk).update(status=ExportJob.Status.RUNNING)
    while_running = export_job_start(
        user=staff_user,
        export_name="jobs",
        query_params={"statuses": ["failed", "running"]},
        file_format="xlsx",
    )

    assert again.pk == first.pk == while_running.pk
    assert first.query_params == {"statuses": ["failed", "running"], "name": ""}
    assert len(callbacks) == 1, "one job, enqueued once"


@pytest.mark.parametrize(
    ("difference", "other_user"),
    [
        ({"query_params": {"statuses": ["failed"]}}, False),
        ({"file_format": "csv"}, False),
        ({}, True),
    ],
    ids=["other filters", "other format", "other user"],
)
def test_another_format_filter_or_user_is_another_job(staff_user, difference, other_user):
    first = export_job_start(
        user=staff_user,
        export_name="jobs",
        query_params={"statuses": ["failed", "running"]},
        file_format="xlsx",
    )
    arguments = {
        "user": StaffUserFactory.create() if other_user else staff_user,
        "export_name": "jobs",
        "query_params": {"statuses": ["failed", "running"]},
        "file_format": "xlsx",
        **difference,
    }

    second = export_job_start(**arguments)

    assert second.pk != first.pk
    assert ExportJob.objects.count() == 2


@pytest.mark.parametrize("ended", [ExportJob.Status.SUCCEEDED, ExportJob.Status.CANCELLED])
def test_an_ended_job_is_not_reused(staff_user, ended):
    first = export_job_start(user=staff_user, export_name="jobs", query_params={})
    ExportJob.objects.filter(pk=first.pk).update(status=ended)

    assert export_job_start(user=staff_user, export_name="jobs", query_params={}).pk != first.pk


def test_over_the_cap_of_jobs_under_way_is_refused_naming_it(staff_user, settings):
    settings.EXPORTS_MAX_ACTIVE_JOBS_PER_USER = 2
    ExportJobFactory.create(user=staff_user, status=ExportJob.Status.PENDING)
    ExportJobFactory.create(user=staff_user, status=ExportJob.Status.SUCCEEDED)
    export_job_start(user=staff_user, export_name="jobs", query_params={})
    ExportJobFactory.create(status=ExportJob.Status.RUNNING)  # another user's: not counted

    with pytest.raises(TooManyExportJobs) as error:
        export_job_start(user=staff_user, export_name="jobs", query_params={"name": "x"})

    assert error.value.cap == 2
    assert str(error.value).startswith(
        "You already have 2 exports waiting or running, the most one user may have at once."
    )
    assert ExportJob.objects.filter(user=staff_user).count() == 3


def test_an_unknown_format_starts_nothing(staff_user):
    with pytest.raises(ValidationError) as error:
        export_job_start(user=staff_user, export_name="jobs", query_params={}, file_format="pdf")

    assert error.value.detail == {"format": ["Unknown format 'pdf': use one of csv, xlsx."]}
    assert not ExportJob.objects.exists()
