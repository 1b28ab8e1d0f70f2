from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import translation
from moto import mock_aws
from rest_framework.test import APIClient

from apps.common.exports.s3 import S3ClientService
from apps.users.tests.factories import StaffUserFactory, UserFactory


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request activates its Accept-Language in the test's thread; the next test starts from
    LANGUAGE_CODE again, so no test reads another's language."""
    yield
    translation.deactivate()


@pytest.fixture
def postgresql(db) -> None:
    """A test of what only PostgreSQL does (the exports' COPY path): collected only when the
    suite runs on PostgreSQL (TEST_DATABASE_URL, as `make test-services` sets it)."""


@pytest.fixture
def other_database(db) -> None:
    """A test of what happens on any other database: collected only when it is not PostgreSQL."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out (deselect, not skip) the tests of the other database: `make test` on SQLite
    and `make test-services` on PostgreSQL each run every test that applies to them."""
    unwanted = "other_database" if connection.vendor == "postgresql" else "postgresql"
    deselected = [item for item in items if unwanted in getattr(item, "fixturenames", ())]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        left_out = set(map(id, deselected))
        items[:] = [item for item in items if id(item) not in left_out]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory.create()


@pytest.fixture
def staff_user(db):
    return StaffUserFactory.create()


@pytest.fixture
def user_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def s3(settings) -> Iterator[S3ClientService]:
    """moto's in-process S3, with the exports bucket created as `create_export_bucket` does."""
    with mock_aws():
        service = S3ClientService()
        service.ensure_bucket(settings.EXPORTS_S3_BUCKET)
        yield service
