import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from apps.common.exceptions import ApplicationError, validation_error_text


def _raising_view(exc: Exception):
    class Raising(APIView):
        authentication_classes = []
        permission_classes = [AllowAny]

        def get(self, request):
            raise exc

    return Raising.as_view()


urlpatterns = [
    path("field-error/", _raising_view(DjangoValidationError({"title": "Too long."}))),
    path("plain-error/", _raising_view(DjangoValidationError("Not allowed today."))),
    path("denied/", _raising_view(PermissionDenied())),
    path("missing/", _raising_view(Http404())),
    path("rule/", _raising_view(ApplicationError("Mission is closed.", extra={"id": 3}))),
]


@pytest.fixture(autouse=True)
def _use_these_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_django_validation_error_becomes_400_with_field_errors(api_client):
    response = api_client.get("/field-error/")

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {"title": ["Too long."]}}


def test_django_validation_error_without_fields_becomes_non_field_errors(api_client):
    response = api_client.get("/plain-error/")

    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Not allowed today."]}


def test_permission_denied_becomes_403(api_client):
    response = api_client.get("/denied/")

    assert response.status_code == 403
    assert response.json()["errors"] == {}


def test_http404_becomes_404(api_client):
    assert api_client.get("/missing/").status_code == 404


def test_application_error_becomes_400_with_its_message(api_client):
    response = api_client.get("/rule/")

    assert response.status_code == 400
    assert response.json() == {"detail": "Mission is closed.", "errors": {"id": 3}}


def test_validation_error_text_names_each_field_with_its_messages():
    detail = {"status": ["Not a choice.", "Required."], "non_field_errors": ["Too many rows."]}

    assert validation_error_text(detail) == (
        "status: Not a choice. status: Required. non_field_errors: Too many rows."
    )
