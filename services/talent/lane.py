"""A lane for plain ``GET /api/v1/assignments`` requests, around FastAPI's machinery.

The gateway's composed demand page asks talent for the people and carriers on the demand
(``?target_id=<demand>``) on every view. Resolving the route's query parameters and
dependencies through FastAPI costs several times the query itself, so this route, tried
before every other one, answers well-formed requests straight from the ASGI scope with the
same authentication, filters, statement and bytes as the validated route. It matches only
a request it can answer: a GET with a valid bearer token whose query string holds known
parameters, each once, in canonical form (UUIDs in 8-4-4-4-12 hex, a limit of 1..100 without
leading zeros, the enumerated target types and statuses, a base64url cursor), nothing
percent-encoded. Everything else (no or a bad token, an unknown, repeated, empty or
malformed parameter, HEAD) does not match and reaches the validated, documented route.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from services.talent.domain import TargetType
from services.talent.repository import AssignmentFilters
from services.talent.service import service_of
from shared.auth import Actor, verifier_for
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT
from shared.problems import Problem
from shared.responses import dumps

_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_LIMIT_TEXT = re.compile(r"[1-9][0-9]{0,2}")
_CURSOR_TEXT = re.compile(r"[A-Za-z0-9_-]+")
_UUID_PARAMS = frozenset({"person_id", "carrier_id", "target_id"})
_TARGET_TYPES = frozenset(t.value for t in TargetType)
_STATUSES = frozenset({"active", "released"})
_CONTENT_TYPE = (b"content-type", b"application/json")
SCOPE_KEY = "talent.assignment_list"


@dataclass(frozen=True)
class PlainListQuery:
    filters: AssignmentFilters
    cursor: str | None
    limit: int


def plain_list_query(query_string: bytes) -> PlainListQuery | None:
    """The filters of a plain query string, or None when the validated route must judge it."""
    try:
        text = query_string.decode("ascii")
    except UnicodeDecodeError:
        return None
    params: dict[str, str] = {}
    if text:
        if "%" in text or "+" in text:
            return None
        for part in text.split("&"):
            name, eq, value = part.partition("=")
            if not eq or not value or name in params:
                return None
            params[name] = value
    uuids: dict[str, uuid.UUID] = {}
    limit = DEFAULT_LIMIT
    for name, value in params.items():
        if name in _UUID_PARAMS:
            if not _UUID_TEXT.fullmatch(value):
                return None
            uuids[name] = uuid.UUID(value)
        elif name == "limit":
            if not _LIMIT_TEXT.fullmatch(value) or int(value) > MAX_LIMIT:
                return None
            limit = int(value)
        elif name == "target_type":
            if value not in _TARGET_TYPES:
                return None
        elif name == "status":
            if value not in _STATUSES:
                return None
        elif name == "cursor":
            if not _CURSOR_TEXT.fullmatch(value):
                return None
        else:
            return None
    filters = AssignmentFilters(
        person_id=uuids.get("person_id"),
        carrier_id=uuids.get("carrier_id"),
        target_type=params.get("target_type"),
        target_id=uuids.get("target_id"),
        status=params.get("status"),
    )
    return PlainListQuery(filters, params.get("cursor"), limit)


def bearer_actor(scope: Scope) -> Actor | None:
    """The caller of a request with a well-formed, valid bearer token (as shared.auth reads it), else None."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token:
                return None
            try:
                return verifier_for(scope["app"].state.settings).verify(token.strip())
            except Problem:
                return None
    return None


class AssignmentListLane(APIRoute):
    """Matches the plain list requests it answers; any other request is not its own."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "GET":
            return Match.NONE, {}
        match, child_scope = super().matches(scope)
        if match is not Match.FULL:
            return Match.NONE, {}
        query = plain_list_query(scope["query_string"])
        # Any signed-in caller reads assignments: they carry no personal data.
        if query is None or bearer_actor(scope) is None:
            return Match.NONE, {}
        child_scope[SCOPE_KEY] = query
        return Match.FULL, child_scope

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        query: PlainListQuery = scope[SCOPE_KEY]
        svc = service_of(scope["app"].state.runtime)
        # A cursor this list did not give out raises the same 400 problem as on the validated route.
        rows, nxt = await svc.list_assignments(query.filters, cursor=query.cursor, limit=query.limit)
        body = dumps({"items": rows, "next_cursor": nxt})
        headers: list[Any] = [(b"content-length", str(len(body)).encode()), _CONTENT_TYPE]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
