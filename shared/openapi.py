"""The OpenAPI document tells the truth: one place that describes what every route can answer.

FastAPI describes each route's success and its request; this module adds, to every operation
of a document, what the platform's kernel does around it (``finish``):

* the problems (``application/problem+json``, one ``Problem`` schema, ``shared/problems.py``)
  it can answer, per status, in place of FastAPI's ``HTTPValidationError``;
* its security (bearer JWT, ``X-API-Key``, or an OAuth2 client-credentials token), unless the
  route declares ``openapi_extra={"security": []}`` (public);
* the response headers the kernel sets (``ETag``, ``Location``, ``Idempotent-Replayed``,
  ``Retry-After``);
* readable operationIds (``operation_id``, FastAPI's ``generate_unique_id_function``).

``merge`` joins services' documents into one, refusing (``ContractError``) two schemas of one
name with different content, or two operations with one operationId.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from shared.problems import PROBLEM_JSON

OPENAPI_VERSION = "3.1.0"
VERSION = "0.1.0"
SERVERS = [{"url": "/", "description": "the gateway that serves this document"}]

# The first word of a route's name when it already says what the operation does.
_VERBS = frozenset(
    "get list create register update delete revoke grant request record decide establish accept reject "
    "submit publish withdraw start complete cancel sign terminate close assign import issue add remove "
    "set approve confirm mark expire search convert deliver enrol graduate make propose release edit".split()
)
_METHOD_VERB = {"GET": "get", "POST": "create", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}


class ContractError(RuntimeError):
    """The platform's document cannot be built truthfully (a clash, a dangling reference)."""


def operation_id(route: APIRoute) -> str:
    """``createDemand`` for ``create_demand``; a name without a verb gets the method's
    (``demand_view`` on GET is ``getDemandView``)."""
    words = [w for w in route.name.split("_") if w]
    if words[0] not in _VERBS:
        method = sorted(route.methods)[0] if route.methods else "GET"
        words.insert(0, _METHOD_VERB.get(method, method.lower()))
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem. ``type`` is a stable ``/problems/<slug>`` to switch on; a 422 lists "
    "every invalid field in ``errors``. Other members may be present (``checks``, ``retry_after``, ...).",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["/problems/validation-error"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "The invalid fields (422 only)",
            "items": {"$ref": "#/components/schemas/FieldError"},
        },
    },
    "additionalProperties": True,
}
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "title": "FieldError",
    "type": "object",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "description": "The path of the field, dotted (``contact.email``)"},
        "message": {"type": "string"},
        "type": {"type": "string", "description": "The kind of error (``missing``, ``string_too_short``, ...)"},
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A portal back end's API key (``itp apikey create``)",
    },
    "oauth2": {
        "type": "oauth2",
        "description": "An API key exchanged for a short-lived bearer token (RFC 6749 client credentials)",
        "flows": {"clientCredentials": {"tokenUrl": "/api/v1/oauth/token", "scopes": {}}},
    },
}
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"apiKey": []}, {"oauth2": []}]

_HEADERS: dict[str, Any] = {
    "ETag": {"description": "The version of the resource; send it back in If-Match", "schema": {"type": "string"}},
    "Location": {"description": "The created resource", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "``true`` when this is the stored answer to a retried request (same Idempotency-Key)",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "string"}},
}

_DESCRIPTIONS = {
    400: "A malformed request (a cursor, a path or an Idempotency-Key this API did not give out)",
    401: "No valid credentials (bearer token, API key)",
    403: "The caller may not do this",
    404: "No such resource (or none the caller may see)",
    405: "The method is not allowed on this path",
    409: "The request conflicts with the resource's state",
    412: "If-Match names a version that is not the current one",
    413: "The body is too large",
    415: "The body is not of a supported media type",
    422: "The request is not valid: every invalid field is listed in ``errors``",
    428: "If-Match is required",
    429: "Too many requests (Retry-After says when to try again)",
    500: "An unexpected error (logged)",
    503: "A service or the database is unavailable (Retry-After says when to try again)",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": _ref("Problem")}},
    }
    if status in (429, 503):
        response["headers"] = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
    return response


def _header_params(op: dict[str, Any]) -> set[str]:
    return {p["name"].lower() for p in op.get("parameters", []) if p.get("in") == "header"}


def _statuses(method: str, op: dict[str, Any], secured: bool) -> list[int]:
    # 429: the limits on failed authentications from an address apply to every route (shared/limits.py).
    statuses = [400, 404, 405, 422, 429, 500, 503]
    if secured:
        statuses += [401, 403]
    if method in ("post", "put", "patch", "delete"):
        statuses.append(409)
    if "requestBody" in op:
        statuses += [413, 415]
    if "if-match" in _header_params(op):
        statuses += [412, 428]
    return sorted(set(statuses))


def _with_headers(response: dict[str, Any], names: Iterable[str]) -> None:
    headers = response.setdefault("headers", {})
    for name in names:
        headers.setdefault(name, {"$ref": f"#/components/headers/{name}"})


_BOUNDS = (("gt", "exclusiveMinimum"), ("lt", "exclusiveMaximum"), ("ge", "minimum"), ("le", "maximum"))


def _fix_keywords(node: Any) -> None:
    """JSON Schema has no ``gt``/``lt``/``ge``/``le``/``decimal_places``/``max_digits``: pydantic
    leaks them for constrained decimals; the bounds are ``exclusiveMinimum``/``exclusiveMaximum``/
    ``minimum``/``maximum`` (the digits are checked by the API, not described)."""
    if isinstance(node, dict):
        if "anyOf" in node or "type" in node:
            for old, new in _BOUNDS:
                if isinstance(node.get(old), int | float) and not isinstance(node[old], bool):
                    node[new] = node.pop(old)
            for leaked in ("decimal_places", "max_digits"):
                if isinstance(node.get(leaked), int):
                    node.pop(leaked)
        for value in node.values():
            _fix_keywords(value)
    elif isinstance(node, list):
        for value in node:
            _fix_keywords(value)


def finish(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (FastAPI's) with the kernel's problems, security, headers and components."""
    doc = copy.deepcopy(doc)
    doc["openapi"] = OPENAPI_VERSION
    doc.setdefault("servers", SERVERS)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["FieldError"] = FIELD_ERROR_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    components["headers"] = _HEADERS
    for path, ops in doc.get("paths", {}).items():
        for method, op in ops.items():
            secured = op.get("security") != []
            if secured:
                op["security"] = SECURITY
            responses: dict[str, Any] = op.setdefault("responses", {})
            params = _header_params(op)
            for code, response in responses.items():
                if not code.startswith("2"):
                    continue
                if code in ("200", "201") and ("{" in path or method != "get"):
                    _with_headers(response, ["ETag"])
                if code == "201":
                    _with_headers(response, ["Location"])
                if "idempotency-key" in params and code in ("200", "201"):
                    _with_headers(response, ["Idempotent-Replayed"])
                if code == "202":
                    _with_headers(response, ["Retry-After"])
            for status in _statuses(method, op, secured):
                if status != 422 and "schema" in responses.get(str(status), {}).get("content", {}).get(
                    "application/json", {}
                ):
                    continue  # the route's own answer (OAuth 2.0 errors are not problems: RFC 6749 5.2)
                responses[str(status)] = _problem(status)
    _fix_keywords(doc)
    return doc


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def merge(first: dict[str, Any], others: dict[str, dict[str, Any]], *, prefix: str = "/api/v1/") -> dict[str, Any]:
    """``first`` (whose operations win on the same path and method) with the paths under ``prefix``
    and the schemas of every document in ``others`` (by source name). Raises ``ContractError`` on a
    schema name with two contents, a repeated operationId, or a reference to no schema."""
    doc = copy.deepcopy(first)
    paths: dict[str, Any] = doc.setdefault("paths", {})
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    owner = dict.fromkeys(schemas, "gateway")
    for source, spec in sorted(others.items()):
        for name, schema in spec.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != schema:
                raise ContractError(
                    f"schema {name!r} of {source} differs from {owner[name]}'s: give one of them another name"
                )
            schemas[name], owner[name] = schema, owner.get(name, source)
        for path, ops in spec.get("paths", {}).items():
            if path.startswith(prefix):
                merged = paths.setdefault(path, {})
                for method, op in ops.items():
                    merged.setdefault(method, op)
    seen: dict[str, str] = {}
    for path, ops in paths.items():
        for method, op in ops.items():
            op_id = op.get("operationId", "")
            if op_id in seen:
                raise ContractError(f"operationId {op_id!r} of {method.upper()} {path} is also {seen[op_id]}")
            seen[op_id] = f"{method.upper()} {path}"
    missing = sorted({r.rsplit("/", 1)[1] for r in _refs(doc) if r.startswith("#/components/schemas/")} - set(schemas))
    if missing:
        raise ContractError(f"references to schemas no service defines: {', '.join(missing)}")
    return doc


def raw_document(
    app: FastAPI, *, description: str | None = None, schemas: Mapping[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """FastAPI's document of ``app``'s routes, before ``finish``, with ``schemas`` (JSON Schemas
    that routes refer to by name, e.g. from ``openapi_extra``) among its components."""
    doc = get_openapi(
        title=app.title, version=app.version, description=description or app.description, routes=app.routes
    )
    if schemas:
        components = doc.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in schemas.items():
            if name in components and components[name] != schema:
                raise ContractError(f"schema {name!r} is defined twice, differently")
            components[name] = schema
    return doc


def install(app: FastAPI) -> None:
    """Serve ``finish``'s document of the app's own routes at ``/openapi.json`` (a service's)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(raw_document(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
