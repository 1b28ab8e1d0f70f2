"""One request id per request: a well-formed incoming X-Request-ID kept, anything else
replaced; sent back; on every log line; stored on export jobs and access records; carried into
the Celery tasks the request starts."""

import io
import logging
import sys
import uuid

import pytest
import structlog
from celery import current_app
from celery.signals import before_task_publish

from apps.common.access.models import AccessRecord
from apps.common.log_filters import ClientErrorWithoutTraceback
from apps.common.models import ExportJob
from apps.common.request_id import RequestIdLogFilter
from apps.common.tasks import delete_expired_exports
from config.sentry import before_send

pytestmark = pytest.mark.django_db

HEALTH = "/health/"


def is_uuid(value: str) -> bool:
    return str(uuid.UUID(value)) == value


def test_a_request_without_an_id_gets_one_back(client):
    response = client.get(HEALTH)

    assert is_uuid(response["X-Request-ID"])


@pytest.mark.parametrize("incoming", ["abc-123", "0f" * 16, "nginx:42.7_x", "a" * 64])
def test_a_well_formed_incoming_id_is_kept(client, incoming):
    assert client.get(HEALTH, HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "forged", ["a" * 65, "abc\x00def", "abc\x1b[31m", "two words", "<script>", "", "한글"]
)
def test_a_forged_incoming_id_is_replaced(client, forged):
    response = client.get(HEALTH, HTTP_X_REQUEST_ID=forged)

    assert is_uuid(response["X-Request-ID"])


def test_every_log_line_of_the_request_carries_its_id(staff_client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdLogFilter())
    handler.setFormatter(logging.Formatter("%(request_id)s %(name)s %(message)s"))
    logger = logging.getLogger("apps.requests")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        staff_client.get("/api/exports/", HTTP_X_REQUEST_ID="req-1")
        logging.getLogger("apps.requests").info("outside")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)

    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("req-1 apps.requests GET /api/exports/ 200")
    assert lines[-1] == "- apps.requests outside"


@pytest.mark.usefixtures("export_api_urls")
def test_an_export_job_and_its_access_record_store_the_request_id(
    staff_client, s3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/jobs/export/", HTTP_X_REQUEST_ID="front-end-7")

    job = ExportJob.objects.get(pk=response.json()["job_id"])
    assert job.request_id == "front-end-7"
    assert AccessRecord.objects.get(action="job_started").request_id == "front-end-7"


def test_a_task_enqueued_for_a_request_carries_its_id_in_the_message():
    """What the worker binds again for the task's log lines (django-structlog's step)."""
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False  # published to the in-memory broker
    published: list[dict] = []

    def capture(headers=None, **kwargs):
        published.append(headers or {})

    before_task_publish.connect(capture, weak=False)
    try:
        with structlog.contextvars.bound_contextvars(request_id="req-42"):
            delete_expired_exports.delay()
    finally:
        before_task_publish.disconnect(capture)
        current_app.conf.task_always_eager = eager

    assert published[0]["__django_structlog__"]["request_id"] == "req-42"


def test_a_4xx_is_logged_without_a_traceback_and_a_5xx_with_one():
    def record(status):
        try:
            raise ValueError("boom")
        except ValueError:
            return logging.LogRecord(
                "django.security", logging.ERROR, __file__, 1, "x", None, sys.exc_info()
            )

    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(ClientErrorWithoutTraceback())
    for status, traceback in ((400, False), (404, False), (500, True)):
        entry = record(status)
        entry.status_code = status
        handler.stream = io.StringIO()
        handler.handle(entry)
        assert ("Traceback" in handler.stream.getvalue()) is traceback, status


def test_a_disallowed_host_400_logs_one_line_without_a_traceback(client):
    """Through the project's own console handler (LOGGING), as the server prints it."""
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(console, logging.StreamHandler)
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.get(HEALTH, HTTP_HOST="evil.example")
    finally:
        console.setStream(previous)

    assert response.status_code == 400
    logged = stream.getvalue()
    assert "Invalid HTTP_HOST header" in logged
    assert "Traceback" not in logged


def test_sentry_drops_a_4xx_and_tags_the_request_id():
    client_error = logging.LogRecord("django.security", logging.ERROR, "", 1, "x", None, None)
    client_error.status_code = 400
    server_error = logging.LogRecord("django.request", logging.ERROR, "", 1, "x", None, None)
    server_error.status_code = 500

    assert before_send({}, {"log_record": client_error}) is None
    with structlog.contextvars.bound_contextvars(request_id="req-9"):
        event = before_send({}, {"log_record": server_error})
    assert event == {"tags": {"request_id": "req-9"}}
