"""Every answer the end-to-end tests receive, checked against the published OpenAPI document.

For each response to a documented path (``docs/openapi.json``): the status is one the operation
documents, the content type is one documented for that status, and a JSON body validates against
its schema (JSON Schema 2020-12, as OpenAPI 3.1 says). Requests to paths the document does not
have (health probes, metrics, a service's internal routes) are not checked. Streamed bodies (the
dashboard's event stream) are checked for status and content type only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
# The gateways the fixtures started ("host:port"): the document is the gateway's, so only answers
# from a gateway are checked (a service's own routes answer its part, e.g. a demand before composition).
GATEWAYS: set[str] = set()
_PARAM = re.compile(r"\{[^/{}]+\}")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    responses: dict[str, Any]


@cache
def _document() -> dict[str, Any]:
    return dict(json.loads(DOCUMENT.read_text(encoding="utf-8")))


@cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    """Path templates as patterns; fixed segments before parameters (``/demands/stats`` before
    ``/demands/{demand_id}``), as the services route them."""
    paths = sorted(_document()["paths"], key=lambda p: (p.count("{"), -len(p)))
    return [
        (re.compile("^" + _PARAM.sub("[^/]+", re.escape(p).replace(r"\{", "{").replace(r"\}", "}")) + "$"), p)
        for p in paths
    ]


def operation(method: str, path: str) -> Operation | None:
    for pattern, template in _routes():
        if pattern.match(path):
            op = _document()["paths"][template].get(method.lower())
            return Operation(method.upper(), template, op["responses"]) if op else None
    return None


@cache
def _validator(status: str, template: str, method: str, media: str) -> Any:
    doc = _document()
    schema = doc["paths"][template][method.lower()]["responses"][status]["content"][media].get("schema")
    if schema is None:
        return None
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "components": doc["components"]}
    return jsonschema_rs.validator_for(root)


def problems_of(response: httpx.Response, *, body_read: bool) -> list[str]:
    """What in this response disagrees with the document (empty when it conforms)."""
    request = response.request
    op = operation(request.method, request.url.path)
    if op is None:
        return []
    where = f"{request.method} {request.url.path} -> {response.status_code}"
    status = str(response.status_code)
    documented = op.responses.get(status) or op.responses.get(f"{status[0]}XX") or op.responses.get("default")
    if documented is None:
        return [f"{where}: status not documented for {op.method} {op.template} ({', '.join(op.responses)})"]
    content = documented.get("content") or {}
    if not content or response.status_code in (204, 304) or (body_read and not response.content):
        return []
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media not in content:
        return [f"{where}: content type {media!r} not documented ({', '.join(content)})"]
    if not body_read or not media.endswith("json"):
        return []
    key = next(k for k in op.responses if op.responses[k] is documented)
    validator = _validator(key, op.template, op.method, media)
    if validator is None:
        return []
    errors = [f"{e.instance_path}: {e.message}"[:300] for e in validator.iter_errors(response.json())]
    return [f"{where}: body does not match its schema: {'; '.join(errors[:3])}"] if errors else []


@dataclass
class Recorder:
    """Collects disagreements from every response a test's clients receive."""

    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def see(self, response: httpx.Response, *, body_read: bool) -> None:
        url = response.request.url
        if f"{url.host}:{url.port}" not in GATEWAYS:
            return
        self.checked += 1
        for p in problems_of(response, body_read=body_read):
            if p not in self.problems:
                self.problems.append(p)
