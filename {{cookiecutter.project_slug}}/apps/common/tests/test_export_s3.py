import re
import tempfile
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from boto3.exceptions import S3UploadFailedError
from django.core.management import call_command
from django.utils import timezone
from django.utils.http import content_disposition_header
from moto import mock_aws

from apps.common import upload_s3
from apps.common.exports import downloader as downloader_module
from apps.common.exports.s3 import S3ClientService
from apps.common.models import ExportJob

from .export_helpers import JobCSVDownloader, csv_rows, s3_body, streamed
from .factories import ExportJobFactory


def test_upload_s3_uploads_the_file_and_returns_a_link_as_short_lived_as_the_status_ones(
    s3, settings, tmp_path
):
    local_file = tmp_path / "local.csv"
    local_file.write_bytes("이름,값\r\n".encode())
    key = "download/20240101/csv/token/보고서.csv"
    settings.EXPORTS_DOWNLOAD_URL_EXPIRY = timedelta(minutes=3)

    url = upload_s3(local_file, key, settings.EXPORTS_S3_BUCKET)
    asked_for = upload_s3(
        local_file, key, settings.EXPORTS_S3_BUCKET, expires_in=timedelta(hours=1)
    )

    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == ["180"]
    assert parse_qs(urlparse(asked_for).query)["X-Amz-Expires"] == ["3600"]
    assert query["response-content-disposition"] == [content_disposition_header(True, "보고서.csv")]
    download = requests.get(url, timeout=5)
    assert download.status_code == 200
    assert download.content == "이름,값\r\n".encode()
    assert (
        download.headers["Content-Disposition"]
        == "attachment; filename*=utf-8''%EB%B3%B4%EA%B3%A0%EC%84%9C.csv"
    )
    stored = s3.client.head_object(Bucket=settings.EXPORTS_S3_BUCKET, Key=key)
    assert stored["ContentType"] == "text/csv; charset=utf-8"


def test_uploaded_files_are_private(s3, settings, tmp_path):
    local_file = tmp_path / "local.csv"
    local_file.write_text("a\r\n")
    upload_s3(local_file, "private.csv", settings.EXPORTS_S3_BUCKET)

    grants = s3.client.get_object_acl(Bucket=settings.EXPORTS_S3_BUCKET, Key="private.csv")
    assert [grant["Permission"] for grant in grants["Grants"]] == ["FULL_CONTROL"]
    assert grants["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"


def test_the_client_reads_endpoint_region_credentials_and_addressing_from_settings(settings):
    settings.AWS_S3_ENDPOINT_URL = "http://127.0.0.1:9000"
    settings.AWS_S3_REGION_NAME = "ap-northeast-2"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_ACCESS_KEY_ID = "minio-user"

    client = S3ClientService().client
    url = S3ClientService().presigned_download_url(
        bucket="exports", key="a.csv", file_name="a.csv", expires_in=timedelta(minutes=5)
    )

    assert client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert client.meta.region_name == "ap-northeast-2"
    assert url.startswith("http://127.0.0.1:9000/exports/a.csv?")
    assert "minio-user%2F" in url
    assert "X-Amz-Expires=300" in url


def test_delete_objects_removes_the_keys_given(s3, settings, tmp_path):
    bucket = settings.EXPORTS_S3_BUCKET
    for key in ("a.csv", "b.csv", "c.csv"):
        s3.client.put_object(Bucket=bucket, Key=key, Body=b"x")

    s3.delete_objects(bucket=bucket, keys=["a.csv", "b.csv", "never-there.csv"])

    remaining = s3.client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [item["Key"] for item in remaining] == ["c.csv"]


@mock_aws
def test_ensure_bucket_creates_the_bucket_once_in_the_configured_region(settings):
    settings.AWS_S3_REGION_NAME = "ap-northeast-2"
    service = S3ClientService()

    assert service.ensure_bucket("regional-exports") is True
    assert service.ensure_bucket("regional-exports") is False
    location = service.client.get_bucket_location(Bucket="regional-exports")
    assert location["LocationConstraint"] == "ap-northeast-2"


@mock_aws
def test_create_export_bucket_command_creates_the_configured_bucket(settings, capsys):
    call_command("create_export_bucket")
    call_command("create_export_bucket")

    output = capsys.readouterr().out.splitlines()
    assert output == [
        f"Bucket {settings.EXPORTS_S3_BUCKET} created.",
        f"Bucket {settings.EXPORTS_S3_BUCKET} already exists.",
    ]
    S3ClientService().client.head_bucket(Bucket=settings.EXPORTS_S3_BUCKET)


HOSTILE_NAMES = ["a,b", 'q"uote', "cr\r\nlf", "=cmd", "-1+2", "😀", "한국어", "\tx"]


@pytest.mark.django_db
@pytest.mark.parametrize("include_bom", [True, False])
def test_streaming_body_and_s3_object_are_the_same_bytes(s3, settings, include_bom):
    for name in HOSTILE_NAMES:
        ExportJobFactory.create(export_name=name, user__is_staff=name == "=cmd")

    def downloader():
        return JobCSVDownloader(
            queryset=ExportJob.objects.all(), include_bom=include_bom, chunk_size=3
        )

    streamed_body = streamed(downloader().get_result_as_streaming_response())
    uploaded = downloader()
    uploaded.get_result_as_download_url()

    stored = s3_body(s3, settings.EXPORTS_S3_BUCKET, uploaded.file_key)
    assert stored == streamed_body
    assert len(csv_rows(stored)) == len(HOSTILE_NAMES) + 1


@pytest.mark.django_db
def test_download_url_is_a_signed_link_to_an_unguessable_key(s3, settings):
    ExportJobFactory.create(export_name="file")

    first = JobCSVDownloader(queryset=ExportJob.objects.all())
    url = first.get_result_as_download_url()
    second = JobCSVDownloader(queryset=ExportJob.objects.all())
    second.get_result_as_download_url()
    assert first.file_key is not None
    assert second.file_key is not None

    today = timezone.localdate().strftime("%Y%m%d")
    # (no f-string: the template engine would eat doubled braces)
    pattern = "download/" + today + r"/csv/[A-Za-z0-9_-]{22}/jobs_" + today + r"_\d{6}\.csv"
    assert re.fullmatch(pattern, first.file_key)
    assert first.file_key.split("/")[3] != second.file_key.split("/")[3]
    assert first.file_name == first.file_key.rsplit("/", 1)[1]
    assert first.s3_bucket == settings.EXPORTS_S3_BUCKET
    assert "X-Amz-Signature=" in url
    [_, row] = csv_rows(requests.get(url, timeout=5).content)
    assert "file" in row


@pytest.mark.django_db
def test_bucket_and_path_can_be_chosen_per_downloader(s3):
    s3.ensure_bucket("other-exports")
    ExportJobFactory.create()

    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(), s3_bucket="other-exports", s3_path="/reports/jobs/"
    )
    downloader.get_result_as_download_url()

    assert downloader.file_key is not None
    assert downloader.file_key.startswith("reports/jobs/")
    assert s3_body(s3, "other-exports", downloader.file_key).startswith(b"\xef\xbb\xbf")


@pytest.mark.django_db
def test_the_bucket_is_the_setting_when_the_export_runs(s3, settings):
    s3.ensure_bucket("moved-exports")
    ExportJobFactory.create()
    settings.EXPORTS_S3_BUCKET = "moved-exports"  # after the class was defined

    downloader = JobCSVDownloader(queryset=ExportJob.objects.all())
    downloader.get_result_as_download_url()

    assert downloader.s3_bucket == "moved-exports"
    assert s3_body(s3, "moved-exports", str(downloader.file_key)).startswith(b"\xef\xbb\xbf")


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    """Temporary files of the export go here, so the test can see what is left behind."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.mark.django_db
def test_temporary_file_is_removed_after_a_failed_upload(s3, temp_root, monkeypatch):
    ExportJobFactory.create_batch(3)
    seen = []

    def spying_upload(local_path, upload_path, bucket, **options):
        seen.append(local_path.read_bytes())
        return upload_s3(local_path, upload_path, bucket, **options)

    monkeypatch.setattr(downloader_module, "upload_s3", spying_upload)
    downloader = JobCSVDownloader(queryset=ExportJob.objects.all(), s3_bucket="no-such-bucket")

    with pytest.raises(S3UploadFailedError, match="NoSuchBucket"):
        downloader.get_result_as_download_url()

    assert len(csv_rows(seen[0])) == 4  # the whole file was written before the upload
    assert list(temp_root.iterdir()) == []


@pytest.mark.django_db
def test_temporary_file_is_removed_after_a_successful_upload(s3, temp_root):
    ExportJobFactory.create()

    JobCSVDownloader(queryset=ExportJob.objects.all()).get_result_as_download_url()

    assert list(temp_root.iterdir()) == []


@pytest.mark.django_db
def test_progress_reaches_100_percent_only_after_the_upload(s3, monkeypatch):
    ExportJobFactory.create_batch(5)
    events: list[object] = []
    real_upload = downloader_module.upload_s3

    def recording_upload(*args, **options):
        events.append("upload")
        return real_upload(*args, **options)

    monkeypatch.setattr(downloader_module, "upload_s3", recording_upload)
    monkeypatch.setattr(
        downloader_module, "set_progress", lambda task_id, done, total: events.append((done, total))
    )

    JobCSVDownloader(
        queryset=ExportJob.objects.all(),
        celery_task_id="task-1",
        celery_progress_row_offset=2,
        chunk_size=2,
    ).get_result_as_download_url()

    assert events == [(2, 5), (4, 5), "upload", (5, 5)]
