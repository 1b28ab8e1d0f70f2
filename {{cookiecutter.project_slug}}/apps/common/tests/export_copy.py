"""The test every export gets on PostgreSQL: the COPY path writes the Python path's bytes.

    @pytest.mark.django_db(transaction=True)  # COPY's own connection sees committed rows
    def test_the_copy_path_writes_the_python_bytes(postgresql, staff_user, orders, s3):
        assert_copy_writes_the_same_bytes(lambda **options: order_export.downloader(
            user=staff_user, query_params={}, **options))

`make_downloader(**options)` returns a new downloader of the export each time. The file is
made four ways, streamed and through S3 (`get_result_as_download_url`), each by COPY and by
Python (`use_copy=False`), and the four must be the same bytes; the COPY ones must really
have been written by COPY.
"""

from collections.abc import Callable
from typing import Any

from apps.common.exports.downloader import CSVDownloader
from apps.common.exports.s3 import S3ClientService

from .export_helpers import csv_rows, s3_body, streamed


def file_bytes(downloader: CSVDownloader, *, via_s3: bool = False) -> bytes:
    """The file the downloader writes, streamed or uploaded (an S3 double in place)."""
    if not via_s3:
        return streamed(downloader.get_result_as_streaming_response())
    downloader.get_result_as_download_url()
    assert downloader.file_key is not None
    return s3_body(S3ClientService(), downloader.s3_bucket, downloader.file_key)


def assert_copy_writes_the_same_bytes(
    make_downloader: Callable[..., CSVDownloader], *, rows: int | None = None, **options: Any
) -> bytes:
    """Both paths, streamed and to S3, write the same bytes; return them. `rows`: how many
    data rows the file must hold (a test that compares empty files proves nothing)."""
    files = {}
    for via_s3 in (False, True):
        for use_copy in (True, False):
            downloader = make_downloader(use_copy=use_copy, **options)
            files[via_s3, use_copy] = file_bytes(downloader, via_s3=via_s3)
            assert downloader.uses_copy() is use_copy, downloader.copy_refused
            assert downloader.row_count == len(csv_rows(files[via_s3, use_copy])) - 1
    python = files[False, False]
    for (via_s3, use_copy), content in files.items():
        where = f"{'S3' if via_s3 else 'streamed'}, {'COPY' if use_copy else 'Python'}"
        assert content == python, f"{where}: {_first_difference(content, python)}"
    if rows is not None:
        assert len(csv_rows(python)) - 1 == rows
    return python


def _first_difference(content: bytes, expected: bytes) -> str:
    position = next(
        (i for i, (a, b) in enumerate(zip(content, expected, strict=False)) if a != b),
        min(len(content), len(expected)),
    )
    start, end = max(0, position - 60), position + 60
    return f"at byte {position}: {content[start:end]!r} != {expected[start:end]!r}"
