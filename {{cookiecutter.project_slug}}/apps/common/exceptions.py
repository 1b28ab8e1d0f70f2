"""One error shape for the API: `{"detail": ..., "errors": {...}}`, never a 500 for bad input."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A business rule refused the request. Services raise it; the API answers 400 (or `status`)."""

    def __init__(
        self, message: str, *, extra: dict[str, Any] | None = None, status_code: int = 400
    ) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        self.status_code = status_code


def validation_error_text(detail: Any, prefix: str = "") -> str:
    """A DRF ValidationError's detail as one line for people: "field: message field: message"."""
    return " ".join(_error_lines(detail, prefix))


def _error_lines(detail: Any, prefix: str) -> list[str]:
    if isinstance(detail, dict):
        return [line for key, value in detail.items() for line in _error_lines(value, f"{key}: ")]
    if isinstance(detail, list):
        return [line for item in detail for line in _error_lines(item, prefix)]
    return [f"{prefix}{detail}"]


def _as_drf_exception(exc: Exception) -> Exception:
    if isinstance(exc, RequestDataTooBig):
        # Django's own answer is an HTML page; an API client is told the limit instead.
        return exceptions.ParseError(
            _(
                "The request body is larger than the {limit:,} bytes this API accepts. "
                "Send less at once (for a batch, fewer items per request)."
            ).format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        )
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "errors": exc.extra}, status=exc.status_code)

    exc = _as_drf_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"detail": _("Invalid input."), "errors": errors}
    elif response.status_code >= status.HTTP_400_BAD_REQUEST and "errors" not in response.data:
        response.data = {"detail": response.data.get("detail", ""), "errors": {}}
    return response
