"""The parity test every list with an export gets: the file holds the list's rows, in its order.

    def test_the_export_is_the_list(staff_user, orders, s3, django_capture_on_commit_callbacks):
        cases = assert_export_is_the_list(
            user=staff_user,
            list_url=reverse("order-list"),
            export_url=reverse("order-export"),
            capture_on_commit=django_capture_on_commit_callbacks,
        )

The cases come from the list view class (resolved from `list_url`), not from a hand-written
list: no parameter, one case per filter (both values of a boolean, each end of a date range),
the search (a word of the first row's first search field), and each ordering field in both
directions. A filter's value is read from the rows the list shows; a filter with no model field
of its own (a `method=` filter) takes its value from `values`, and the helper fails naming any
filter it has no value for. For every case the list (all its pages), the streamed CSV and an
export job's file must hold the same ids in the same order, and at least one row: the test data
must give every case something to show.
"""

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any, cast
from urllib.parse import urlencode

import django_filters
from django.core.exceptions import FieldError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import resolve
from django.utils import timezone
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.test import APIClient

from apps.common.exports.pipelines import ListViewPipeline
from apps.common.exports.s3 import S3ClientService
from apps.common.models import ExportJob

from .export_helpers import csv_rows, s3_body, streamed

Case = dict[str, str]


def assert_export_is_the_list(
    *,
    user: Any,
    list_url: str,
    export_url: str,
    capture_on_commit: Callable[..., AbstractContextManager[Any]],
    values: Mapping[str, str] | None = None,
    id_column: int = 0,
    export_options: Mapping[str, str] | None = None,
) -> list[Case]:
    """Assert, for every case the list offers, the same ids in the same order in the list, the
    streamed CSV and a job's file (the on_commit callbacks run, so the job runs); return the
    cases. `user` may see the list and its export (an S3 double, such as the `s3` fixture, is
    in place). `export_options` go to the export's requests only (such as a `reason`), never
    into a job's stored parameters."""
    options = dict(export_options or {})
    client = APIClient()
    client.force_authenticate(user)
    view_class = resolve(list_url).func.view_class  # type: ignore[attr-defined]
    pipeline = ListViewPipeline(view_class=view_class)
    cases = parity_cases(pipeline, user, values or {})
    s3 = S3ClientService()
    for case in cases:
        listed = _listed_ids(client, list_url, case)
        assert listed, f"{case}: the list shows no row; give this case data to show"
        response = cast(StreamingHttpResponse, client.get(export_url, {**case, **options}))
        assert _file_ids(streamed(response), id_column) == listed, f"{case}: streamed CSV"
        with capture_on_commit(execute=True):
            started = client.post(f"{export_url}?{urlencode({**case, **options})}")
        assert started.status_code == 202, (case, started.content)
        job = ExportJob.objects.get(pk=started.json()["job_id"])
        assert job.status == ExportJob.Status.SUCCEEDED, (case, job.error_code, job.error_params)
        assert job.query_params == case, f"{case}: the job stores the parameters as given"
        stored = s3_body(s3, job.file_bucket, job.file_key)
        assert _file_ids(stored, id_column) == listed, f"{case}: the job's file"
    return cases


def parity_cases(pipeline: ListViewPipeline, user: Any, values: Mapping[str, str]) -> list[Case]:
    """The list's cases: none, each filter, the search, each ordering both ways."""
    view = pipeline.view({}, user)
    rows = pipeline.queryset({}, user)
    cases: list[Case] = [{}]
    for backend_class in view.filter_backends:
        backend = backend_class()
        if isinstance(backend, django_filters.rest_framework.DjangoFilterBackend):
            filterset_class = backend.get_filterset_class(view)
            filters = filterset_class.base_filters if filterset_class else {}
            for name, filter_ in filters.items():
                cases += _filter_cases(name, filter_, rows, values)
        elif isinstance(backend, SearchFilter):
            cases.append({backend.search_param: _search_word(view, rows)})
        elif isinstance(backend, OrderingFilter):
            for name, _label in backend.get_valid_fields(rows, view, {"request": view.request}):
                cases += [{backend.ordering_param: name}, {backend.ordering_param: f"-{name}"}]
    return cases


def _filter_cases(
    name: str, filter_: django_filters.Filter, rows: QuerySet, values: Mapping[str, str]
) -> list[Case]:
    if name in values:
        return [{name: values[name]}]
    if isinstance(filter_, django_filters.BooleanFilter):
        return [{name: "true"}, {name: "false"}]
    found = _a_value(rows, filter_.field_name)
    assert found is not None, (
        f"Filter {name!r} has no model field to read a value from: give its value in `values`."
    )
    if isinstance(filter_, django_filters.DateFromToRangeFilter):
        day = timezone.localdate(found).isoformat()
        return [{f"{name}_after": day}, {f"{name}_before": day}]
    if isinstance(filter_, django_filters.BaseInFilter):
        ids = list(rows.values_list(filter_.field_name, flat=True)[:2])
        return [{name: ",".join(map(str, ids))}]
    return [{name: found.isoformat() if hasattr(found, "isoformat") else str(found)}]


def _a_value(rows: QuerySet, field_name: str) -> Any:
    """The value of `field_name` in the middle row the list shows (so a range splits the rows),
    or None when it is not a field of the rows."""
    try:
        present = list(rows.exclude(**{f"{field_name}__isnull": True}).values_list(field_name))
    except FieldError:  # not a field of the rows: a method filter
        return None
    return present[len(present) // 2][0] if present else None


def _search_word(view: Any, rows: QuerySet) -> str:
    """A word of the first row's first search field."""
    field = view.search_fields[0].lstrip("^=@$")
    text = str(rows.values_list(field, flat=True)[0])
    return text.split()[0]


def _listed_ids(client: APIClient, list_url: str, case: Case) -> list[int]:
    """The ids of every page of the list, in order."""
    ids: list[int] = []
    url: str | None = f"{list_url}?{urlencode(case)}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (case, response.content)
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        url = body.get("next")
    return ids


def _file_ids(content: bytes, id_column: int) -> list[int]:
    return [int(row[id_column]) for row in csv_rows(content)[1:]]
