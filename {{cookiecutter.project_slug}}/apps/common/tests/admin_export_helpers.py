"""Exporting an admin changelist in tests, as an operator does: open the list with some
parameters, press "export this list", let the job run, and read the file.

The apps whose admin uses `ExportAdminMixin` prove with it that the file holds the list's rows:
the same ids in the same order (a file's first column is the id).
"""

import html
import re
from collections.abc import Mapping
from typing import Any

from django.test import Client, TestCase

from apps.common.exports.s3 import S3ClientService
from apps.common.models import ExportJob

from .export_helpers import csv_rows, s3_body, xlsx_rows

_BUTTON = re.compile(
    r'<form method="post"[^>]*action="([^"]+)"[^>]*>\s*<input[^>]*>\s*'
    r'<button[^>]*id="export-list-(csv|xlsx)"'
)


def changelist_ids(client: Client, url: str, params: Mapping[str, Any]) -> list[int]:
    """The ids the changelist shows for `params`, in its order (one page: keep tests small)."""
    response = client.get(url, params)
    assert response.status_code == 200, response
    changelist = response.context["cl"]
    assert changelist.result_count == len(changelist.result_list), "more than one page"
    return [row.pk for row in changelist.result_list]


def export_button_urls(client: Client, url: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The "export this list" buttons' targets on the changelist for `params`, by format."""
    page = client.get(url, params).content.decode()
    buttons = {file_format: html.unescape(action) for action, file_format in _BUTTON.findall(page)}
    assert set(buttons) == {"csv", "xlsx"}, "the changelist shows both export buttons"
    return buttons


def export_the_list(
    client: Client,
    s3: S3ClientService,
    url: str,
    params: Mapping[str, Any],
    *,
    file_format: str = "csv",
) -> tuple[ExportJob, list[int]]:
    """Press the changelist's export button for `params`, run the job it starts (its on-commit
    callback, with Celery eager), and return the job and the ids in its file, in order."""
    target = export_button_urls(client, url, params)[file_format]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(target)
    assert response.status_code == 200, response
    job = ExportJob.objects.get(pk=response.context["job"].pk)
    assert job.status == ExportJob.Status.SUCCEEDED, (job.error_code, job.error_params)
    body = s3_body(s3, job.file_bucket, job.file_key)
    rows = csv_rows(body)[1:] if file_format == "csv" else xlsx_rows(body)[1:]
    return job, [int(row[0]) for row in rows]
