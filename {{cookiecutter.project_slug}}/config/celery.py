"""The Celery app. Settings come from Django settings prefixed with CELERY_."""

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("{{ cookiecutter.project_slug }}")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# django-structlog binds the request id a task's message carries for the task's log lines.
app.steps["worker"].add(DjangoStructLogInitStep)


@after_setup_logger.connect
@after_setup_task_logger.connect
def add_request_ids_to_worker_logs(logger: logging.Logger, **kwargs: Any) -> None:
    """Celery sets up the worker's handlers itself: each gets the request id filter
    (`%(request_id)s` in CELERY_WORKER_LOG_FORMAT and CELERY_WORKER_TASK_LOG_FORMAT)."""
    from apps.common.request_id import RequestIdLogFilter

    for handler in logger.handlers:
        handler.addFilter(RequestIdLogFilter())
