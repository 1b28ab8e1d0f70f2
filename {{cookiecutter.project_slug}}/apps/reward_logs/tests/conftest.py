import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: with Redis, keys would outlive the test database
    (ids restart at 1 on the next run), and a test could read another test's totals."""
    cache.clear()
    yield
    cache.clear()
