import pytest
from moto import mock_aws

from apps.common.exports.s3 import S3ClientService


@pytest.fixture
def s3(settings) -> S3ClientService:
    """moto's in-process S3, with the exports bucket created as `create_export_bucket` does."""
    with mock_aws():
        service = S3ClientService()
        service.ensure_bucket(settings.EXPORTS_S3_BUCKET)
        yield service
