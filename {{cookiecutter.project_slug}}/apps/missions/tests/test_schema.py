import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_bulk_edit_takes_a_json_list_of_items_with_a_required_id(schema):
    operation = schema["paths"]["/api/missions/bulk/"]["patch"]

    content = operation["requestBody"]["content"]
    assert list(content) == ["application/json"]
    assert content["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/MissionBulkChange"},
    }
    item = schema["components"]["schemas"]["MissionBulkChange"]
    assert item["required"] == ["id"]
    assert set(item["properties"]) == {
        "id",
        "title",
        "description",
        "is_exposed",
        "starts_at",
        "ends_at",
        "reward",
        "updated_at",
    }
    assert set(operation["responses"]) == {"200", "400", "401", "403", "409", "429"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )


def test_bulk_create_takes_a_json_list_only(schema):
    content = schema["paths"]["/api/missions/bulk/"]["post"]["requestBody"]["content"]

    assert list(content) == ["application/json"]
    assert content["application/json"]["schema"]["type"] == "array"


def test_edit_one_is_a_partial_json_body_with_if_match_and_answers_an_etag(schema):
    operation = schema["paths"]["/api/missions/{mission_id}/"]["patch"]

    content = operation["requestBody"]["content"]
    assert list(content) == ["application/json"]
    assert content["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PatchedMissionChange"
    }
    assert "required" not in schema["components"]["schemas"]["PatchedMissionChange"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert headers == {"If-Match"}
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "412", "429"}
    assert "ETag" in operation["responses"]["200"]["headers"]
    get = schema["paths"]["/api/missions/{mission_id}/"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]
