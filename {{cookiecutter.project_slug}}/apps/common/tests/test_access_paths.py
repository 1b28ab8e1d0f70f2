"""Every path that hands out export data leaves an access record: a streamed file, a job
started, each download link signed, the admin's list export and its selected rows; an export
holding personal data asks for a reason; personal columns are masked unless the reader may
unmask them, and the record says when they were not."""

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.test import RequestFactory

from apps.common.access.masking import MaskedFieldsMixin, mask_email, mask_name, mask_phone
from apps.common.access.models import AccessRecord
from apps.common.exports import Export, ListViewPipeline
from apps.common.exports.admin import ExportAdminMixin
from apps.common.models import ExportJob
from apps.users.tests.factories import StaffUserFactory

from .export_helpers import JobCSVDownloader, JobCSVSerializer, JobListApi, csv_rows, streamed
from .factories import ExportJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_api_urls")]

EXPORT_URL = "/jobs/export/"


class MaskedJobCSVSerializer(JobCSVSerializer):
    masked_fields = {"username": mask_name, "export_name": mask_email}


class MaskedJobCSVDownloader(JobCSVDownloader):
    serializer_class = MaskedJobCSVSerializer


def personal_export() -> Export:
    return Export(
        name="jobs",
        downloader_class=MaskedJobCSVDownloader,
        pipeline=ListViewPipeline(view_class=JobListApi),
        personal_data=True,
    )


@pytest.fixture
def personal(monkeypatch, export_registry):
    """The test export, declared as holding personal data, with two masked columns."""
    export = personal_export()
    monkeypatch.setitem(export_registry._exports, "jobs", export)
    from . import export_urls

    view = export_urls.urlpatterns[-1].callback  # ExportApi.as_view(export=...)
    monkeypatch.setitem(view.view_initkwargs, "export", export)
    return export


def only_record() -> AccessRecord:
    (record,) = AccessRecord.objects.all()
    return record


def test_a_streamed_download_is_recorded_with_its_rows_and_address(staff_client, staff_user):
    ExportJobFactory.create_batch(3, status="failed")

    response = staff_client.get(
        EXPORT_URL, {"status": "failed", "reason": " monthly check "}, REMOTE_ADDR="10.0.0.5"
    )

    assert len(csv_rows(streamed(response))) == 1 + 3
    record = only_record()
    assert record.action == AccessRecord.Action.STREAMED
    assert (record.user_id, record.username) == (staff_user.pk, staff_user.username)
    assert (record.export_name, record.params, record.row_count) == (
        "jobs",
        {"status": "failed"},
        3,
    )
    assert (record.reason, record.client_address, record.file_format) == (
        "monthly check",
        "10.0.0.5",
        "csv",
    )


def test_a_job_started_is_recorded_and_the_reason_kept_apart_from_the_filters(
    staff_client, s3, django_capture_on_commit_callbacks
):
    ExportJobFactory.create_batch(2, status="failed")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{EXPORT_URL}?status=failed&reason=audit&format=xlsx")

    assert response.status_code == 202
    job = ExportJob.objects.get(pk=response.json()["job_id"])
    assert (job.query_params, job.reason) == ({"status": "failed"}, "audit")
    record = only_record()
    assert (record.action, record.export_job_id, record.row_count) == ("job_started", job.pk, 2)
    assert (record.file_format, record.reason) == ("xlsx", "audit")


def test_each_download_link_handed_out_is_recorded(
    staff_client, s3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = staff_client.post(f"{EXPORT_URL}?reason=audit").json()["job_id"]
    AccessRecord.objects.get(action="job_started")

    detail = staff_client.get(f"/api/exports/{job_id}/").json()
    listed = staff_client.get("/api/exports/").json()["results"]

    assert detail["download_url"]
    assert listed[0]["download_url"]
    links = AccessRecord.objects.filter(action="link_issued").order_by("pk")
    assert [(link.export_job_id, link.reason) for link in links] == [(job_id, "audit")] * 2


def test_a_job_still_running_hands_out_no_link_and_leaves_no_record(staff_client, staff_user):
    job = ExportJobFactory.create(user=staff_user, status="running")

    staff_client.get(f"/api/exports/{job.pk}/")

    assert not AccessRecord.objects.filter(action="link_issued").exists()


@pytest.mark.usefixtures("personal")
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "This export holds personal data: say why you need it in the `reason` parameter"),
        ({"reason": "   "}, "This export holds personal data"),
        ({"reason": "x" * 10_000}, "Shorten the reason to at most 500 characters (it has 10000)"),
        ({"reason": "line\nbreak"}, "Remove the control characters"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_export_of_personal_data_needs_a_valid_reason(staff_client, params, message, method):
    response = getattr(staff_client, method)(f"{EXPORT_URL}?{urlencode(params)}")

    assert response.status_code == 400
    assert response.json()["errors"]["reason"][0].startswith(message)
    assert not AccessRecord.objects.exists()
    assert not ExportJob.objects.filter(export_name="jobs").exists()


@pytest.mark.usefixtures("personal")
def test_a_reader_without_the_permission_reads_masked_columns(staff_client, staff_user):
    ExportJobFactory.create(user=staff_user, export_name="abcdef@example.com")

    rows = csv_rows(streamed(staff_client.get(EXPORT_URL, {"reason": "audit"})))

    username, export_name = 1, 3  # JobCSVSerializer's columns
    assert rows[1][username] == mask_name(staff_user.username)
    assert rows[1][export_name] == "ab***@example.com"
    record = only_record()
    assert (record.personal_data, record.unmasked) == (True, False)


@pytest.mark.usefixtures("personal")
def test_a_reader_with_the_permission_reads_them_and_the_record_says_so(api_client):
    reader = StaffUserFactory.create()
    reader.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    ExportJobFactory.create(user=reader, export_name="abcdef@example.com")
    api_client.force_authenticate(reader)

    rows = csv_rows(streamed(api_client.get(EXPORT_URL, {"reason": "audit"})))

    assert rows[1][3] == "abcdef@example.com"
    assert rows[1][1] == reader.username
    assert only_record().unmasked is True


@pytest.mark.parametrize(
    ("mask", "value", "expected"),
    [
        (mask_name, "김철용", "김*용"),
        (mask_name, "남궁민수", "남**수"),
        (mask_name, "이순", "이*"),
        (mask_name, "김", "*"),
        (mask_phone, "010-1234-5678", "010-****-5678"),
        (mask_phone, "02-123-4567", "02-***-4567"),
        (mask_phone, "01012345678", "010****5678"),
        (mask_email, "abcdef@example.com", "ab***@example.com"),
        (mask_email, "a@example.com", "a***@example.com"),
    ],
)
def test_the_masks(mask, value, expected):
    assert mask(value) == expected


def test_a_serializer_that_opts_in_masks_unless_the_reader_may_unmask(staff_user):
    class Masked(MaskedFieldsMixin, JobCSVSerializer):
        masked_fields = {"username": mask_name}

    job = ExportJobFactory.create(user=staff_user)
    request = RequestFactory().get("/")
    request.user = staff_user

    assert Masked(job, context={"request": request}).data["username"] == mask_name(
        staff_user.username
    )
    assert Masked(job).data["username"] == mask_name(staff_user.username)  # no reader: masked
    staff_user.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    request.user = type(staff_user).objects.get(pk=staff_user.pk)  # permissions read afresh
    assert Masked(job, context={"request": request}).data["username"] == staff_user.username


class PersonalJobAdmin(ExportAdminMixin, admin.ModelAdmin):
    export_downloader_class = MaskedJobCSVDownloader
    export_personal_data = True
    list_display = ("id", "export_name", "status")
    ordering = ("-id",)


@pytest.fixture
def job_admin(export_registry, settings):
    settings.ROOT_URLCONF = "config.urls"  # the admin's
    site = admin.AdminSite(name="admin")  # its URLs' names: the project admin's
    site.register(ExportJob, PersonalJobAdmin)
    return site._registry[ExportJob]


@pytest.fixture
def staff_user(staff_user):
    staff_user.user_permissions.add(Permission.objects.get(codename="view_exportjob"))
    return type(staff_user).objects.get(pk=staff_user.pk)


def admin_post(user, data, path="/admin/common/exportjob/"):
    request = RequestFactory().post(path, data, REMOTE_ADDR="10.0.0.9")
    request.user = user
    request.session = SessionBase()
    setattr(request, "_messages", FallbackStorage(request))  # noqa: B010 - as the middleware does
    return request


def test_the_admin_list_export_asks_for_the_reason_and_records_the_job(
    job_admin, staff_user, s3, django_capture_on_commit_callbacks
):
    ExportJobFactory.create_batch(2)
    refused = job_admin.export_list_view(admin_post(staff_user, {}), "csv")
    assert refused.status_code == 302
    assert not AccessRecord.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        job_admin.export_list_view(admin_post(staff_user, {"reason": "settlement"}), "csv")

    record = only_record()
    assert (record.action, record.reason, record.client_address) == (
        "admin_job_started",
        "settlement",
        "10.0.0.9",
    )
    assert record.export_name == "admin.common.exportjob"


def test_the_admin_selected_rows_ask_for_the_reason_then_stream_and_are_recorded(
    job_admin, staff_user
):
    jobs = ExportJobFactory.create_batch(2)
    selection = ExportJob.objects.filter(pk__in=[job.pk for job in jobs])
    action = {"action": "export_csv", "_selected_action": [str(job.pk) for job in jobs]}

    asked = job_admin.export_selected(admin_post(staff_user, action), selection, "csv")
    assert asked.template_name == "admin/exports/export_reason.html"
    assert ("_selected_action", str(jobs[0].pk)) in asked.context_data["hidden_fields"]
    assert not AccessRecord.objects.exists()

    response = job_admin.export_selected(
        admin_post(staff_user, {**action, "reason": "refund check"}), selection, "csv"
    )

    assert len(csv_rows(streamed(response))) == 3
    record = only_record()
    assert (record.action, record.reason, record.row_count) == ("admin_streamed", "refund check", 2)
    assert sorted(record.params["pk"]) == sorted(str(job.pk) for job in jobs)
    assert (record.personal_data, record.unmasked) == (True, False)


def test_the_export_jobs_admin_signs_a_link_when_clicked_and_records_it(client, s3, settings):
    settings.ROOT_URLCONF = "config.urls"
    superuser = StaffUserFactory.create(is_superuser=True)
    job = ExportJobFactory.create(
        user=superuser,
        status="succeeded",
        file_bucket=settings.EXPORTS_S3_BUCKET,
        file_key="download/x/jobs.csv",
        file_name="jobs.csv",
    )
    client.force_login(superuser)

    page = client.get("/admin/common/exportjob/").content.decode()
    assert f"/admin/common/exportjob/{job.pk}/download/" in page
    assert not AccessRecord.objects.exists(), "showing the list signs nothing"

    response = client.get(f"/admin/common/exportjob/{job.pk}/download/")

    assert response.status_code == 302
    assert "jobs.csv" in response["Location"]
    record = only_record()
    assert (record.action, record.export_job_id) == ("link_issued", job.pk)


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [
        (0, "10.0.0.5"),  # no proxy trusted: the connection's address
        (1, "203.0.113.9"),  # the address the one trusted proxy saw; 6.6.6.6 is the client's text
        (2, "6.6.6.6"),  # two trusted proxies: the outer one appended it
        (3, "10.0.0.5"),  # fewer entries than trusted proxies: not believed
    ],
)
def test_the_recorded_address_is_the_trusted_proxies_never_more(
    staff_client, settings, proxies, expected
):
    settings.ACCESS_RECORDS_TRUSTED_PROXIES = proxies

    streamed(
        staff_client.get(
            EXPORT_URL, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
        )
    )

    assert only_record().client_address == expected
