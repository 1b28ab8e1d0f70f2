import pytest
from drf_spectacular.generators import SchemaGenerator

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
