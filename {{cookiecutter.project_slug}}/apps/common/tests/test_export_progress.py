import logging
import uuid

import pytest
from django.core.cache import cache

import apps.common
from apps.common import CSVDownloader, get_progress, set_progress, upload_s3
from apps.common.cache_keys import CacheKey
from apps.common.models import ExportJob

from .export_helpers import JobCSVDownloader, csv_rows, streamed
from .factories import ExportJobFactory


@pytest.fixture
def task_id() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture
def unreachable_cache(settings):
    """A Redis cache on a port where nothing listens: every call fails."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


def test_the_export_helpers_are_importable_from_apps_common():
    from apps.common.exports.downloader import CSVDownloader as Downloader
    from apps.common.exports.s3 import upload_s3 as upload

    assert CSVDownloader is Downloader
    assert upload_s3 is upload
    assert callable(set_progress)
    assert set(apps.common.__all__) == {
        "CSVDownloader",
        "get_progress",
        "set_progress",
        "upload_s3",
    }
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        apps.common.nothing  # noqa: B018


def test_progress_is_stored_under_its_cache_key_and_read_back(task_id):
    set_progress(task_id, 40, 120)

    assert get_progress(task_id) == {"progress": 40, "total": 120}
    assert cache.get(CacheKey.EXPORT_PROGRESS.key(task_id)) == {"progress": 40, "total": 120}


def test_unknown_task_has_no_progress(task_id):
    assert get_progress(task_id) is None


def test_a_cache_outage_never_raises_it_logs_a_warning(unreachable_cache, task_id, caplog):
    with caplog.at_level(logging.WARNING, logger="apps.common.exports.progress"):
        set_progress(task_id, 1, 2)
        assert get_progress(task_id) is None

    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        f"Could not record progress of export task {task_id}",
        f"Could not read progress of export task {task_id}",
    ]


@pytest.mark.django_db
def test_an_export_completes_while_the_cache_is_down(unreachable_cache, task_id):
    ExportJobFactory.create_batch(3)

    downloader = JobCSVDownloader(
        queryset=ExportJob.objects.all(),
        celery_task_id=task_id,
        celery_progress_row_offset=1,
        chunk_size=1,
    )

    assert len(csv_rows(streamed(downloader.get_result_as_streaming_response()))) == 4
