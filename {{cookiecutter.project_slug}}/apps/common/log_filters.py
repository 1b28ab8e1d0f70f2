"""A 4xx is the client's mistake: its log line says what happened, without a traceback.

Django logs some refusals with the exception attached (`django.security.*`: a disallowed host, a
body too large), and a 400 is then a screenful of traceback that looks like a bug. Records that
carry a `status_code` below 500 (Django's request and security loggers set it) lose their
`exc_info` here; a 5xx keeps its traceback. Sentry drops the same records (config/sentry.py).
"""

import logging


def is_client_error(record: logging.LogRecord) -> bool:
    status = getattr(record, "status_code", None)
    return isinstance(status, int) and 400 <= status < 500


class ClientErrorWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if is_client_error(record):
            record.exc_info = None
            record.exc_text = None
        return True
