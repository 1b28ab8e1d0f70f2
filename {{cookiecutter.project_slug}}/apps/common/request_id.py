"""One request id from the browser to the worker, with django-structlog.

django-structlog's `RequestMiddleware` gives each request an id (a UUID) in structlog's context,
logs the request's start and end with it, and, with `DJANGO_STRUCTLOG_CELERY_ENABLED`, carries the
context into every Celery task the request enqueues (a message header), where the worker binds it
again for the task's log lines. This module adds what the library leaves to the project:

- an incoming `X-Request-ID` is kept only when well-formed: 1 to 64 characters among letters,
  digits, `-`, `_`, `.`, `:` (a proxy's or a front end's id); anything else (too long, a control
  character, a space) is replaced by the library's own UUID and never logged or stored
  (`DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID` stays off: the raw header is never believed);
- the id is set on the request (`request.request_id`, stored on export jobs and access records)
  and sent back in the response's `X-Request-ID` header;
- `RequestIdLogFilter` writes it on every standard-library log record (`%(request_id)s`), in the
  web process and in the worker, so every log line carries it.
"""

import logging
import re
from typing import Any

import structlog
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_structlog import signals

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def well_formed_request_id(value: str | None) -> str | None:
    """`value` if it may be kept as a request id, else None."""
    if value is not None and _WELL_FORMED.fullmatch(value):
        return value
    return None


def current_request_id() -> str:
    """The request id of the request or task this code runs for ("" outside of one)."""
    return str(structlog.contextvars.get_contextvars().get("request_id", ""))


@receiver(signals.bind_extra_request_metadata)
def keep_a_well_formed_request_id(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    incoming = well_formed_request_id(request.headers.get(HEADER))
    if incoming is not None:
        structlog.contextvars.bind_contextvars(request_id=incoming)
    request.request_id = current_request_id()  # type: ignore[attr-defined]


@receiver(signals.bind_extra_request_finished_metadata)
@receiver(signals.update_failure_response)
def send_the_request_id_back(
    sender: Any, request: HttpRequest, response: HttpResponse, **kwargs: Any
) -> None:
    request_id = getattr(request, "request_id", "")
    if request_id:
        response[HEADER] = request_id


class RequestIdLogFilter(logging.Filter):
    """Sets `record.request_id` to the current request's (or task's) id, "-" outside of one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
