import pytest
from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.models import ExportJob

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_token_endpoint_documents_bad_input_bad_credentials_and_throttling(schema):
    responses = schema["paths"]["/api/auth/token/"]["post"]["responses"]

    assert set(responses) == {"200", "400", "401", "429"}
    for status in ("400", "401", "429"):
        assert responses[status]["content"]["application/json"]["schema"] == ERROR_REF


def test_an_operation_with_a_path_id_documents_not_found(schema):
    responses = schema["paths"]["/api/exports/{id}/"]["get"]["responses"]

    assert {"401", "404", "429"} <= set(responses)
    assert responses["404"]["content"]["application/json"]["schema"] == ERROR_REF


def test_the_error_shape_is_one_component(schema):
    error = schema["components"]["schemas"]["Error"]

    assert error["required"] == ["detail"]
    assert set(error["properties"]) == {"detail", "errors"}


def test_an_operation_with_query_parameters_documents_the_servers_414_without_a_body(schema):
    responses = schema["paths"]["/api/users/export/"]["get"]["responses"]

    assert "414" in responses
    assert "content" not in responses["414"]


def test_health_documents_its_503(schema):
    responses = schema["paths"]["/health/"]["get"]["responses"]

    assert responses["503"]["content"] == responses["200"]["content"]


class JobRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExportJob
        fields = ("id", "status")


class JobInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExportJob
        fields = ("status",)


TICKET_STATUSES = [("open", "Open"), ("closed", "Closed")]


class TicketSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TICKET_STATUSES)


class TicketInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TICKET_STATUSES, allow_blank=True)


class JobsApi(APIView):
    @extend_schema(request=JobInputSerializer, responses=JobRowSerializer)
    def post(self, request: Request) -> Response:
        raise NotImplementedError


class TicketsApi(APIView):
    @extend_schema(request=TicketInputSerializer, responses=TicketSerializer)
    def post(self, request: Request) -> Response:
        raise NotImplementedError


def two_status_fields_schema() -> dict:
    """Two `status` choice sets, each in two components: drf-spectacular's own naming collides."""
    patterns = [path("jobs/", JobsApi.as_view()), path("tickets/", TicketsApi.as_view())]
    GENERATOR_STATS.reset()
    return SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)


def test_two_models_status_fields_get_distinct_enum_names_without_a_warning(capsys):
    schemas = two_status_fields_schema()["components"]["schemas"]

    assert not GENERATOR_STATS, capsys.readouterr().err
    enums = {name for name in schemas if name.endswith("Enum")}
    assert enums == {
        "ExportJobStatusEnum",
        "TicketStatusEnum",
        "TicketInputStatusEnum",
        "BlankEnum",
    }
    assert schemas["ExportJobStatusEnum"]["enum"] == ExportJob.Status.values
    assert schemas["JobRow"]["properties"]["status"] == {
        "$ref": "#/components/schemas/ExportJobStatusEnum"
    }
    assert schemas["JobInput"]["properties"]["status"] == {
        "$ref": "#/components/schemas/ExportJobStatusEnum"
    }
    assert schemas["TicketInput"]["properties"]["status"] == {
        "oneOf": [
            {"$ref": "#/components/schemas/TicketInputStatusEnum"},
            {"$ref": "#/components/schemas/BlankEnum"},
        ]
    }


def test_drf_spectacular_alone_would_warn_about_the_same_schema(capsys):
    with patched_settings(
        {"POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"]}
    ):
        two_status_fields_schema()

    assert GENERATOR_STATS
    assert "ENUM_NAME_OVERRIDES" in capsys.readouterr().err
    GENERATOR_STATS.reset()
