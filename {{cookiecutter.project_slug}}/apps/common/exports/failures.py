"""Why an export failed, as a code and its parameters, and the message for people, rendered in
the language of whoever reads it.

An export job fails in a worker, which serves no one's language: it stores the failure's code and
parameters on the job (`ExportJob.error_code`, `error_params`), and the status endpoint renders
the message for each request (`failure_message`), so the same job reads in Korean to one user
and in English to another. A request that fails by itself (a streamed export, the checks before
a job starts) gets the same message at once, as a 400.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

ROW_LIMIT_EXCEEDED = "row_limit_exceeded"
XLSX_TOO_MANY_ROWS = "xlsx_too_many_rows"
INVALID_FILTERS = "invalid_filters"
UNKNOWN_EXPORT = "unknown_export"
ROW_FAILED = "row_failed"
TOO_MANY_ROW_ERRORS = "too_many_row_errors"
TIME_LIMIT = "time_limit"
STALE = "stale"
UNEXPECTED = "unexpected"
# A message that is not ours to translate (a ValidationError raised by a project's own
# downloader), stored as it was written: `{"detail": "..."}`.
DETAIL = "detail"

MESSAGES = {
    ROW_LIMIT_EXCEEDED: _(
        "This export has %(rows)s rows, more than the limit of %(limit)s. "
        "Narrow the filters and try again."
    ),
    XLSX_TOO_MANY_ROWS: _(
        "This export has %(rows)s rows; an XLSX sheet holds at most %(most)s. "
        "Narrow the filters, or export CSV."
    ),
    INVALID_FILTERS: _(
        "These filters are not valid any more: %(params)s. Check them and start the export again."
    ),
    UNKNOWN_EXPORT: _("There is no export called %(name)s. Known exports: %(known)s."),
    ROW_FAILED: _("The row with primary key %(pk)s could not be exported: %(error)s"),
    TOO_MANY_ROW_ERRORS: _(
        "%(skipped)s of %(total)s rows could not be exported, too many to skip. "
        "The row with primary key %(pk)s could not be exported: %(error)s"
    ),
    TIME_LIMIT: _("The export took longer than the time limit. Narrow the filters and try again."),
    STALE: _("The export stopped without finishing (its worker was lost). Start it again."),
    UNEXPECTED: _("The export failed unexpectedly. Try again; if it fails again, contact support."),
    DETAIL: "%(detail)s",
}

FailureParams = dict[str, Any]


def failure_message(code: str, params: FailureParams) -> str:
    """The message for `code` in the active language; numbers with thousands separators.

    An unknown code (a job failed by a newer release, read by an older one) reads as unexpected.
    """
    template = MESSAGES.get(code)
    if template is None:
        return str(MESSAGES[UNEXPECTED])
    return str(template) % {name: _display(value) for name, value in params.items()}


def _display(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


class ExportFailure(ValidationError):
    """A 400 that says what to fix (`detail`, by default the failure's message), and why as a
    code and parameters, which an export job stores to render its message later."""

    def __init__(self, code: str, params: FailureParams, detail: Any = None) -> None:
        super().__init__(failure_message(code, params) if detail is None else detail, code=code)
        self.failure_code = code
        self.failure_params = params
