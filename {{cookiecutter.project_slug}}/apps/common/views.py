{% if cookiecutter.django_version == "5.2" -%}
from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
{% else -%}
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
{% endif -%}
from django.views.defaults import page_not_found
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .health import run_checks

HEALTH = inline_serializer(
    "Health",
    fields={
        "status": serializers.CharField(),
        "checks": serializers.DictField(child=serializers.CharField()),
    },
)


class HealthView(APIView):
    """200 when every dependency answers, 503 naming the ones that failed."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: HEALTH, 503: HEALTH})
    def get(self, request: Request) -> Response:
        checks = run_checks()
        healthy = all(result == "ok" for result in checks.values())
        return Response(
            {"status": "ok" if healthy else "error", "checks": checks},
            status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE,
        )


# Redoc's footer always shows Redocly's logo, from their CDN (on a network without internet
# access Redoc hides the image); that one image is allowed, nothing else from their host.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
{%- set csp = "" if cookiecutter.django_version == "5.2" else "CSP." %}
REDOC_POLICY: dict[str, list[str]] = {
    "style-src": [{{ csp }}SELF, {{ csp }}UNSAFE_INLINE],
    "worker-src": [{{ csp }}SELF, "blob:"],
    "img-src": [{{ csp }}SELF, "data:", REDOC_LOGO],
}

{% if cookiecutter.django_version == "5.2" %}
@method_decorator(csp_replace(REDOC_POLICY), name="dispatch")
{%- endif %}
class RedocView(SpectacularRedocView):
    """Redoc with every asset served by the project itself (no web fonts from Google).

    Redoc writes its styles into `<style>` elements from its script as it loads, before any
    nonce could reach them, so this page alone allows inline styles; its search index runs in a
    worker it creates from a `blob:` URL. Scripts stay as strict as everywhere: this server's,
    or inline with the response's nonce.
    """

    template_name = "common/redoc.html"
{%- if cookiecutter.django_version != "5.2" %}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The project's policy with Redoc's directives replaced (the settings read per request)."""
        policy = {**settings.SECURE_CSP, **REDOC_POLICY}
        return csp_override(policy)(super().dispatch)(request, *args, **kwargs)
{%- endif %}


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI whose script is a URL of its own, so the Content Security Policy needs no
    inline script; the page's inline style carries the response's nonce."""

    template_name = "common/swagger_ui.html"


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL that matches no route: JSON in the API's error shape under /api/, so a
    client (or a malformed id such as `/api/exports/abc/`) always gets JSON back there."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
    return page_not_found(request, exception)
