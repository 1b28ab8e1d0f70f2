"""Korean by default, English when asked: our messages and labels follow the request's language.

The test settings read English (LANGUAGE_CODE = "en"); these tests ask for a language the way a
client does, with Accept-Language, or set the project's default, ko-kr, explicitly.
"""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from apps.common.exports.failures import failure_message
from apps.common.exports.jobs import export_job_run
from apps.common.models import ExportJob
from apps.users.tests.factories import StaffUserFactory

from .export_helpers import JobCSVDownloader, job_export
from .factories import ExportJobFactory

EXPORT_URL = "/jobs/export/"
ROW_LIMIT = {
    "ko": "이 내보내기는 3행으로, 한도인 2행을 넘습니다. 필터를 좁혀서 다시 시도하세요.",
    "en": "This export has 3 rows, more than the limit of 2. Narrow the filters and try again.",
}
STAFF_ONLY = {"ko": "스태프 권한이 필요합니다.", "en": "Staff access is required."}


@pytest.mark.django_db
@pytest.mark.usefixtures("export_api_urls")
@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_row_limit_400_is_in_the_language_the_client_asks_for(
    staff_client, settings, language, method
):
    ExportJobFactory.create_batch(3)
    settings.EXPORTS_ROW_LIMIT = 2

    response = getattr(staff_client, method)(EXPORT_URL, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert response.json()["errors"] == {"non_field_errors": [ROW_LIMIT[language]]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "detail"),
    [
        ("ko-KR,ko;q=0.9,en;q=0.8", "JSON이 너무 깊게 중첩되어 있습니다(최대 32단계)."),
        ("en-US,en;q=0.9", "JSON is nested too deeply (at most 32 levels)."),
    ],
)
def test_a_parser_refusal_is_in_the_clients_language(api_client, accept_language, detail):
    body = "[" * 40 + "]" * 40

    response = api_client.post(
        "/api/auth/token/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )

    assert response.status_code == 400
    assert response.json()["detail"] == detail


@pytest.mark.django_db
def test_a_job_failed_in_the_worker_reads_in_each_requesters_language(
    export_registry, s3, user, user_client
):
    """The worker runs in Korean here; the failure is stored as a code, so an English reader
    reads English, and a Korean one Korean, from the same row."""
    ExportJobFactory.create_batch(2)
    job = ExportJobFactory.create(user=user)

    class Limited(JobCSVDownloader):
        allow_row_limit = 2

    export_registry.export_register(job_export(Limited, name=job.export_name))

    with translation.override("ko"):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.error_code, job.error_params) == ("row_limit_exceeded", {"rows": 3, "limit": 2})

    url = reverse("export-job-detail", args=[job.pk])
    for language in ("en", "ko"):
        body = user_client.get(url, HTTP_ACCEPT_LANGUAGE=language).json()
        assert (body["status"], body["error"]) == ("failed", ROW_LIMIT[language])


@pytest.mark.django_db
def test_a_failure_stored_before_codes_reads_as_it_was_written(user, user_client):
    job = ExportJobFactory.create(
        user=user,
        status=ExportJob.Status.FAILED,
        error_code="detail",
        error_params={"detail": "Written by an older release."},
    )

    url = reverse("export-job-detail", args=[job.pk])
    body = user_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").json()

    assert body["error"] == "Written by an older release."


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_permission_message_of_ours_follows_accept_language(user_client, language):
    response = user_client.get("/api/users/export/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 403
    assert response.json()["detail"] == STAFF_ONLY[language]


@pytest.mark.django_db
def test_without_accept_language_the_project_language_applies(user_client, settings):
    settings.LANGUAGE_CODE = "ko-kr"

    response = user_client.get("/api/users/export/")

    assert response.json()["detail"] == STAFF_ONLY["ko"]


def test_failure_messages_group_thousands_in_both_languages():
    params = {"rows": 123_456, "limit": 100_000}

    with translation.override("ko"):
        korean = failure_message("row_limit_exceeded", params)
    with translation.override("en"):
        english = failure_message("row_limit_exceeded", params)

    assert korean.startswith("이 내보내기는 123,456행으로, 한도인 100,000행을 넘습니다.")
    assert english.startswith("This export has 123,456 rows, more than the limit of 100,000.")
    with translation.override("ko"):
        assert failure_message("a-code-from-a-newer-release", {}).startswith(
            "내보내기가 예기치 않게 실패했습니다."
        )


def test_model_app_and_status_labels_are_translated():
    with translation.override("ko"):
        assert str(apps.get_app_config("common").verbose_name) == "공통"
        assert str(apps.get_app_config("users").verbose_name) == "사용자"
        assert str(ExportJob._meta.verbose_name) == "내보내기 작업"
        assert str(ExportJob._meta.get_field("finished_at").verbose_name) == "종료 일시"
        assert [str(label) for label in ExportJob.Status.labels] == [
            "대기 중",
            "진행 중",
            "완료",
            "실패",
            "취소됨",
        ]
    with translation.override("en"):
        assert str(ExportJob._meta.verbose_name) == "export job"
        assert str(ExportJob.Status.FAILED.label) == "Failed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "model_name", "index_title"),
    [("ko", "내보내기 작업", "사이트 관리"), ("en", "Export jobs", "Site administration")],
)
def test_the_admin_names_the_project_and_speaks_the_requesters_language(
    client, language, model_name, index_title
):
    client.force_login(StaffUserFactory.create(is_superuser=True))

    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert '<a href="/admin/">{{ cookiecutter.project_name }}</a>' in html
    assert f"<title>{index_title} | {{ cookiecutter.project_name }}</title>" in html
    assert model_name in html
