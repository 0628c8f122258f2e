"""The API describes itself: a valid OpenAPI 3 document and two viewers served from /static/."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema

TRANSITIONS = ["understand", "apologise", "solve", "resolve", "close", "reopen", "transfer"]


@pytest.fixture
def schema(api, db) -> dict[str, Any]:
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_the_schema_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Klachtwijzer API"
    validate_schema(schema)  # raises on anything the OpenAPI 3 JSON schema rejects


def test_the_schema_is_also_served_as_yaml(api, db):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3." in response.content


@pytest.mark.parametrize("action", TRANSITIONS)
def test_the_schema_lists_each_transition_with_its_conflict_response(schema, action):
    operation = schema["paths"][f"/api/complaints/{{reference}}/{action}/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert "stage" in operation["responses"]["409"]["description"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def test_the_schema_describes_the_list_filters_and_cursor(schema):
    operation = schema["paths"]["/api/complaints/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) >= {
        "stage",
        "owner",
        "channel",
        "priority",
        "root_cause",
        "overdue",
        "received_after",
        "received_before",
        "q",
        "cursor",
        "page_size",
    }
    stage = parameters["stage"]["schema"]
    assert stage["type"] == "array"
    assert set(stage["items"]["enum"]) == {
        "received",
        "understood",
        "apologised",
        "solving",
        "resolved",
        "closed",
    }


def test_the_stage_is_read_only_in_the_schema(schema):
    components = schema["components"]["schemas"]
    assert "stage" in components["ComplaintDetail"]["properties"]
    assert "stage" in components["ComplaintDetail"]["required"]
    update = components.get("PatchedComplaintUpdateRequest", {}).get("properties", {})
    assert update  # the PATCH body is described
    assert "stage" not in update
    assert "owner" not in update


def test_customer_ids_are_integers_in_the_schema(schema):
    parameters = schema["paths"]["/api/customers/{id}/"]["get"]["parameters"]
    path_id = next(p for p in parameters if p["in"] == "path")
    assert (path_id["name"], path_id["schema"], path_id["required"]) == (
        "id",
        {"type": "integer"},
        True,
    )


def test_the_schema_generates_without_warnings(db, tmp_path):
    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.")


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/api/docs/", "swagger-ui"),
        ("/api/redoc/", "redoc"),
    ],
)
def test_the_api_viewers_render_with_local_assets_only(api, db, url, marker):
    response = api.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert marker in html
    assets = _assets(html)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        if asset == "/api/docs/?script=":  # Swagger's start script, served by the view (CSP)
            continue
        assert asset.startswith("/static/"), asset  # no CDN
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not shipped"
    assert not re.search(r"https?://(?!localhost|testserver)", html.split("<body", 1)[0])
    assert "cdn" not in html.lower()
    # The viewer loads our schema (Swagger: its start script names it).
    start = api.get("/api/docs/?script=").content.decode() if marker == "swagger-ui" else html
    assert "/api/schema/" in start


# --- Limits ------------------------------------------------------------------------------------


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _texts(schema: dict[str, Any], document: dict[str, Any], where: str) -> list[tuple[str, Any]]:
    """(where, schema) of every free-text string a body holds, nested ones included."""
    schema = _resolve(schema, document)
    found: list[tuple[str, Any]] = []
    for part in schema.get("oneOf", []) + schema.get("allOf", []):
        found += _texts(part, document, where)
    if schema.get("type") == "object":
        for name, prop in schema.get("properties", {}).items():
            found += _texts(prop, document, f"{where}.{name}")
    elif schema.get("type") == "array":
        found += _texts(schema["items"], document, f"{where}[]")
    elif (
        schema.get("type") == "string"
        and "enum" not in schema
        and schema.get("format") not in {"date", "date-time"}
        and schema.get("maxLength") != 0  # the "" beside a blank e-mail address
    ):
        found.append((where, schema))
    return found


def test_every_text_a_request_body_holds_has_a_max_length(schema):
    texts = [
        found
        for path, operations in schema["paths"].items()
        # DRF's own token view (username, password), which the token work replaces (issue 15.3);
        # its body is held to API_MAX_BODY_BYTES like every other.
        if path != "/api/auth/token/"
        for method, operation in operations.items()
        # The attachments' upload is multipart (files, no text): its limits are in bytes.
        if "requestBody" in operation and "application/json" in operation["requestBody"]["content"]
        for found in _texts(
            operation["requestBody"]["content"]["application/json"]["schema"],
            schema,
            f"{method.upper()} {path}",
        )
    ]
    assert len(texts) > 60  # the walk reached the bodies
    assert [where for where, text in texts if "maxLength" not in text] == []


def test_the_schema_gives_each_field_its_limit(schema):
    from common import limits

    components = schema["components"]["schemas"]
    create = components["ComplaintCreateRequest"]["properties"]
    assert create["facts"]["maxLength"] == limits.TEXT
    assert create["subject"]["maxLength"] == limits.SUBJECT
    customer = components["CustomerRequest"]["properties"]
    assert customer["name"]["maxLength"] == limits.NAME
    assert customer["email"]["oneOf"][0]["maxLength"] == limits.EMAIL
    reopen = components["ReopenInputRequest"]["properties"]
    assert reopen["reason"]["maxLength"] == limits.NOTE


def test_every_operation_that_reads_a_body_documents_the_413(schema):
    reading = [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    ]
    assert reading
    assert [(m, p) for m, p, operation in reading if "413" not in operation["responses"]] == []
