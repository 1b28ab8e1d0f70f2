"""Sentry, when `SENTRY_DSN` is set (off by default): errors of the web and worker processes.

The Django and Celery integrations are on; no personal data is sent (`send_default_pii=False`:
no user, cookies, headers or request bodies), and a 4xx, the client's mistake, is never an
event. A request's id (apps/common/request_id.py) goes with its events as a tag.
"""

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Event, Hint


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,
    )


def before_send(event: Event, hint: Hint) -> Event | None:
    """Drop what a client caused (a log record of a 4xx); tag the rest with the request id."""
    from apps.common.log_filters import is_client_error
    from apps.common.request_id import current_request_id

    record: Any = hint.get("log_record")
    if record is not None and is_client_error(record):
        return None
    if request_id := current_request_id():
        event.setdefault("tags", {})["request_id"] = request_id
    return event
