"""`ExportAdminMixin` and `AdminChangelistPipeline` on a test admin site of export jobs: the
export is registered with the admin, its parameters are the changelist's, and its rows (streamed
or rebuilt by a job) are the changelist's, in its order."""

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.test import TestCase
from rest_framework.exceptions import ValidationError

from apps.common.exports.admin import ExportAdminMixin
from apps.common.exports.admin_pipeline import AdminChangelistPipeline
from apps.common.exports.services import export_job_start
from apps.common.models import ExportJob
from apps.users.tests.factories import StaffUserFactory

from .export_helpers import JobCSVDownloader, csv_rows, s3_body
from .factories import ExportJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_registry")]

NAME = "admin.common.exportjob"


class JobExportAdmin(ExportAdminMixin, admin.ModelAdmin):
    export_downloader_class = JobCSVDownloader
    list_display = ("id", "export_name", "status", "progress")
    list_filter = ("status",)
    search_fields = ("export_name",)
    ordering = ("-id",)


@pytest.fixture
def site(export_registry):
    """A site of its own, so the project's admin of export jobs stays as it is."""
    site = admin.AdminSite(name="export_admin_test")
    site.register(ExportJob, JobExportAdmin)
    return site


@pytest.fixture
def jobs():
    return {
        "b": ExportJobFactory.create(export_name="b orders", status="failed", progress=5),
        "a": ExportJobFactory.create(export_name="a orders", status="failed", progress=9),
        "c": ExportJobFactory.create(export_name="c users", status="failed", progress=1),
        "d": ExportJobFactory.create(export_name="d orders", status="succeeded", progress=7),
    }


def test_the_admin_registers_its_export_with_the_changelist_pipeline(site, export_registry):
    export = export_registry.export_get(NAME)

    assert export.downloader_class is JobCSVDownloader
    assert export.pipeline == AdminChangelistPipeline(model=ExportJob, admin_site=site)


def test_an_admin_without_a_downloader_class_is_refused():
    class NoDownloader(ExportAdminMixin, admin.ModelAdmin):
        pass

    with pytest.raises(ImproperlyConfigured, match="set export_downloader_class"):
        NoDownloader(ExportJob, admin.AdminSite(name="refused"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"status__exact": "failed"}, ["c", "a", "b"], id="filter"),
        pytest.param({"q": "orders"}, ["d", "a", "b"], id="search"),
        pytest.param({"o": "4"}, ["c", "b", "d", "a"], id="ordering"),
        pytest.param({"status__exact": "failed", "q": "orders", "o": "-2"}, ["b", "a"], id="all"),
    ],
)
def test_the_rows_are_the_changelists_in_its_order(site, jobs, params, expected):
    pipeline = AdminChangelistPipeline(model=ExportJob, admin_site=site)
    user = StaffUserFactory.create(is_superuser=True)

    rows = pipeline.queryset(pipeline.clean_params(params), user)

    assert list(rows) == [jobs[key] for key in expected]


def test_pagination_and_facets_are_dropped_and_the_rest_kept(site):
    pipeline = AdminChangelistPipeline(model=ExportJob, admin_site=site)

    cleaned = pipeline.clean_params({"p": "3", "all": "", "_facets": "1", "q": "x", "o": "2.-1"})

    assert cleaned == {"q": "x", "o": "2.-1"}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"id__in": "1,2"}, "id__in"),
        ({"_popup": "1"}, "_popup"),
        ({"q": "a\x00b"}, "q"),
        ({"o": "9"}, "o"),
        ({"o": "name"}, "o"),
        ({"status__exact": ["failed", "x\x7f"]}, "status__exact"),
    ],
)
def test_what_the_changelist_does_not_take_is_refused_by_name(site, params, name):
    pipeline = AdminChangelistPipeline(model=ExportJob, admin_site=site)

    with pytest.raises(ValidationError) as error:
        pipeline.clean_params(params)

    assert list(error.value.detail) == [name]


def test_a_job_stores_the_parameters_and_the_worker_rebuilds_the_rows(site, jobs, s3):
    user = StaffUserFactory.create(is_superuser=True)

    with TestCase.captureOnCommitCallbacks(execute=True):
        params = {"status__exact": "failed", "o": "4", "p": "2"}
        job = export_job_start(user=user, export_name=NAME, query_params=params)

    job.refresh_from_db()
    assert job.query_params == {"status__exact": "failed", "o": "4"}
    assert job.status == ExportJob.Status.SUCCEEDED
    file_ids = [int(row[0]) for row in csv_rows(s3_body(s3, job.file_bucket, job.file_key))[1:]]
    assert file_ids == [jobs["c"].pk, jobs["b"].pk, jobs["a"].pk]
