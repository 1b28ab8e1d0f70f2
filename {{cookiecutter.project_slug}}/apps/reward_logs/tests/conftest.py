import pytest
from django.core.cache import cache
from moto import mock_aws

from apps.common.exports.s3 import S3ClientService


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: with Redis, keys would outlive the test database
    (ids restart at 1 on the next run), and a test could read another test's totals."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def s3(settings) -> S3ClientService:
    """moto's in-process S3 with the exports bucket."""
    with mock_aws():
        service = S3ClientService()
        service.ensure_bucket(settings.EXPORTS_S3_BUCKET)
        yield service
