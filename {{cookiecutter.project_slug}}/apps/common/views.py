from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularRedocView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .health import run_checks


class HealthView(APIView):
    """200 when every dependency answers, 503 naming the ones that failed."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=inline_serializer(
            "Health",
            fields={
                "status": serializers.CharField(),
                "checks": serializers.DictField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        checks = run_checks()
        healthy = all(result == "ok" for result in checks.values())
        return Response(
            {"status": "ok" if healthy else "error", "checks": checks},
            status=status.HTTP_200_OK if healthy else status.HTTP_503_SERVICE_UNAVAILABLE,
        )


class RedocView(SpectacularRedocView):
    """Redoc with every asset served by the project itself (no web fonts from Google)."""

    template_name = "common/redoc.html"


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL that matches no route: JSON in the API's error shape under /api/, so a
    client (or a malformed id such as `/api/exports/abc/`) always gets JSON back there."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)
    return page_not_found(request, exception)
