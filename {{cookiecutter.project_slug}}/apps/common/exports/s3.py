"""S3 for exports: upload, presigned download links, deletion, and the bucket itself.

Endpoint, region, credentials and addressing style come from settings, so the same code talks to
AWS, MinIO and moto. Buckets are private; files are reached only through presigned URLs.
"""

from collections.abc import Iterable
from datetime import timedelta
from itertools import islice
from os import PathLike
from pathlib import PurePosixPath

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.utils.http import content_disposition_header

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


class S3ClientService:
    def __init__(self, *, timeout_seconds: float | None = None) -> None:
        """`timeout_seconds`: one attempt, failing after that long to connect or to read (the
        health check); botocore's defaults otherwise (60 s and retries, right for uploads)."""
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": settings.AWS_S3_ADDRESSING_STYLE},
        )
        if timeout_seconds is not None:
            config = config.merge(
                Config(
                    connect_timeout=timeout_seconds,
                    read_timeout=timeout_seconds,
                    retries={"total_max_attempts": 1},
                )
            )
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.AWS_S3_ENDPOINT_URL,
            region_name=settings.AWS_S3_REGION_NAME,
            aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
            aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
            config=config,
        )

    def upload_file(
        self,
        local_path: str | PathLike[str],
        *,
        bucket: str,
        key: str,
        file_name: str,
        content_type: str = CSV_CONTENT_TYPE,
    ) -> None:
        """Upload from disk (multipart for large files), so memory does not grow with the file."""
        self.client.upload_file(
            str(local_path),
            bucket,
            key,
            ExtraArgs={
                "ContentType": content_type,
                "ContentDisposition": content_disposition_header(True, file_name),
            },
        )

    def presigned_download_url(
        self, *, bucket: str, key: str, file_name: str, expires_in: timedelta
    ) -> str:
        """A GET link that saves the object as `file_name`, valid for `expires_in`."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket,
                "Key": key,
                "ResponseContentDisposition": content_disposition_header(True, file_name),
            },
            ExpiresIn=int(expires_in.total_seconds()),
        )

    def delete_objects(self, *, bucket: str, keys: Iterable[str]) -> None:
        """Delete `keys` (missing ones are fine); raise if S3 refuses any of them."""
        remaining = iter(keys)
        while chunk := list(islice(remaining, _DELETE_BATCH)):
            response = self.client.delete_objects(
                Bucket=bucket,
                Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True},
            )
            if errors := response.get("Errors"):
                failed = ", ".join(f"{error['Key']} ({error['Code']})" for error in errors)
                raise RuntimeError(f"S3 refused to delete these objects of {bucket}: {failed}")

    def ensure_bucket(self, bucket: str) -> bool:
        """Create `bucket` (private, as every new bucket is) unless it exists; True if created."""
        try:
            self.client.head_bucket(Bucket=bucket)
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in {"404", "NoSuchBucket"}:
                raise
        else:
            return False
        region = self.client.meta.region_name
        if region == "us-east-1":  # the one region that refuses an explicit location
            self.client.create_bucket(Bucket=bucket)
        else:
            self.client.create_bucket(
                Bucket=bucket,
                # The stubs list the known regions; the client's own region is one of them.
                CreateBucketConfiguration={"LocationConstraint": region},  # type: ignore[typeddict-item]
            )
        return True


def upload_s3(
    local_path: str | PathLike[str],
    upload_path: str,
    bucket: str,
    *,
    expires_in: timedelta | None = None,
    content_type: str = CSV_CONTENT_TYPE,
) -> str:
    """Upload a file (CSV unless `content_type` says otherwise) to `bucket` under
    `upload_path`; return a presigned GET URL for it.

    The link lives `expires_in`, by default as long as the status endpoint's links
    (`EXPORTS_DOWNLOAD_URL_EXPIRY`). The download keeps the key's last part as its file name.
    """
    if expires_in is None:
        expires_in = settings.EXPORTS_DOWNLOAD_URL_EXPIRY
    service = S3ClientService()
    file_name = PurePosixPath(upload_path).name
    service.upload_file(
        local_path,
        bucket=bucket,
        key=upload_path,
        file_name=file_name,
        content_type=content_type,
    )
    return service.presigned_download_url(
        bucket=bucket,
        key=upload_path,
        file_name=file_name,
        expires_in=expires_in,
    )
