"""The OpenAPI schema documents the errors every operation can answer, in the one error shape.

drf-spectacular documents the success responses it can infer. The errors come from what the
view is made of, so they are derived here once for every operation rather than written by hand
on each view:

| answer | when it is documented |
| --- | --- |
| 400 | the operation takes query parameters or a body (filters, page size, cursor, input) |
| 401 | the view authenticates and does not allow anonymous users, or it is a token endpoint |
| 403 | the view has a permission beyond "signed in" (staff, object rules) |
| 404 | the path has a parameter (an id that may not exist or not be the caller's), or the list
        is paginated (a page past the last) |
| 414 | the operation takes query parameters: a query string longer than the server's request
        line limit (gunicorn: 4 KiB) is refused before it reaches Django, without a JSON body |
| 429 | the view is throttled |
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework_simplejwt.views import TokenViewBase

ERROR_DESCRIPTIONS = {
    "400": _("Invalid input: `errors` names each parameter or field and what to fix."),
    "401": _("Not signed in, or the token is invalid or expired."),
    "403": _("Signed in, but not allowed to do this."),
    "404": _("Not found (or not yours)."),
    "414": _("The query string is longer than the server accepts."),
    "429": _("Too many requests: retry after the `Retry-After` header's seconds."),
}


# Every error the API answers: `{"detail": ..., "errors": {...}}`
# (apps.common.exceptions.api_exception_handler). Inline, because a Serializer subclass cannot
# declare a field named `errors` without hiding its own `errors` property.
ErrorSerializer = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(help_text=_("What went wrong, in one sentence.")),
        "errors": serializers.DictField(
            required=False,
            help_text=_(
                "Messages by parameter or field, or by item index in a batch: "
                '{"2": {"ends_at": [...]}}.'
            ),
        ),
    },
)


class AutoSchema(openapi.AutoSchema):
    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for status in self.error_statuses(operation):
            response: dict[str, Any] = {"description": ERROR_DESCRIPTIONS[status]}
            if status != "414":  # the web server's own page, not our JSON
                response["content"] = {"application/json": {"schema": error}}
            operation["responses"].setdefault(status, response)
        return operation

    def error_statuses(self, operation: dict[str, Any]) -> list[str]:
        view = self.view
        permissions = [type(permission) for permission in view.get_permissions()]
        anonymous_allowed = AllowAny in permissions
        statuses = []
        takes_query = any(param["in"] == "query" for param in operation.get("parameters", []))
        if takes_query or "requestBody" in operation:
            statuses.append("400")
        if takes_query:
            statuses.append("414")
        if isinstance(view, TokenViewBase) or (view.get_authenticators() and not anonymous_allowed):
            statuses.append("401")
        if any(permission not in (AllowAny, IsAuthenticated) for permission in permissions):
            statuses.append("403")
        has_path_id = any(param["in"] == "path" for param in operation.get("parameters", []))
        paginated = self.method == "GET" and getattr(self.view, "pagination_class", None)
        if has_path_id or paginated:
            statuses.append("404")
        if view.get_throttles():
            statuses.append("429")
        return statuses
