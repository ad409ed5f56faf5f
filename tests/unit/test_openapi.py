"""The platform's OpenAPI document: current (drift), truthful in what it declares, merged strictly."""

from __future__ import annotations

import re
from typing import Any

import pytest

from itp.openapi import DOCUMENT, current
from shared.openapi import ContractError, merge
from shared.problems import PROBLEM_JSON


@pytest.fixture(scope="module")
def text() -> str:
    return current()


@pytest.fixture(scope="module")
def doc(text: str) -> dict[str, Any]:
    import json

    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _ops(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, ops in doc["paths"].items() for m, op in ops.items()]


def test_docs_openapi_json_is_current(text: str) -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == text, "docs/openapi.json is stale: run `itp openapi`"


def test_every_operation_documents_problems_security_and_a_typed_success(doc: dict[str, Any]) -> None:
    public = {"listVocabularyFields", "issueToken"}
    for method, path, op in _ops(doc):
        assert re.fullmatch(r"[a-z]+[A-Za-z]*", op["operationId"]), op["operationId"]
        assert op.get("tags"), path
        assert op["responses"]["422"]["content"] == {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        assert (op["security"] == []) == (op["operationId"] in public), path
        for code, response in op["responses"].items():
            if code.startswith("2") and code != "204":
                for media, content in response["content"].items():
                    assert content["schema"], f"{method.upper()} {path} {code} {media} is untyped"
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    assert {"bearerAuth", "apiKey", "oauth2"} <= set(doc["components"]["securitySchemes"])
    assert doc["servers"]


def test_readable_operation_ids_and_the_event_stream(doc: dict[str, Any]) -> None:
    ids = {op["operationId"] for _, _, op in _ops(doc)}
    assert {"createDemand", "getDemandView", "getSuggestions", "issueToken", "getEnterpriseHome"} <= ids
    stream = doc["paths"]["/api/v1/dashboard/events"]["get"]["responses"]["200"]["content"]
    assert list(stream) == ["text/event-stream"]
    created = doc["paths"]["/api/v1/demands"]["post"]["responses"]["201"]["headers"]
    assert {"Location", "ETag", "Idempotent-Replayed"} <= set(created)
    assert "412" in doc["paths"]["/api/v1/demands/{demand_id}"]["patch"]["responses"]


def test_no_invalid_keywords_and_no_clashing_contact(text: str, doc: dict[str, Any]) -> None:
    assert '"gt"' not in text and "decimal_places" not in text
    schemas = doc["components"]["schemas"]
    assert "PersonContact" in schemas and "Contact" in schemas


def test_merge_refuses_one_name_with_two_contents() -> None:
    first = {"paths": {}, "components": {"schemas": {"Contact": {"type": "object"}}}}
    other = {"paths": {}, "components": {"schemas": {"Contact": {"type": "string"}}}}
    with pytest.raises(ContractError, match="Contact"):
        merge(first, {"talent": other})
    dangling = {
        "paths": {
            "/api/v1/x": {"get": {"operationId": "getX", "responses": {"200": {"$ref": "#/components/schemas/Nope"}}}}
        }
    }
    with pytest.raises(ContractError, match="Nope"):
        merge({"paths": {}}, {"demand": dangling})
