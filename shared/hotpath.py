"""Hot routes: the few busiest routes of a service, served before the framework's machinery.

A request to FastAPI passes its middleware stack, its router and its dependency solver before
the endpoint runs: about 0.3 ms of CPU per request in a service, more than the endpoint's own
work on the hottest paths (creating a demand, reading one). A hot route is matched on method and
path here, inside the request-context middleware, and its handler runs directly with the same
authentication, the same validation and the same problem+json answers.

The route stays declared in FastAPI too, with its full signature, so the OpenAPI document
describes it; that declaration delegates to the same handler, and ``ITP_HOT_ROUTES=false``
serves every request through it (the parity tests compare both ways).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.auth import Actor, actor_from_header
from shared.failures import unexpected_error_response
from shared.problems import Problem, problem_response, validation_problem
from shared.telemetry import ROUTE_KEY

M = TypeVar("M", bound=BaseModel)
_UUID = TypeAdapter(uuid.UUID)  # FastAPI's own validation of a UUID path parameter


class HotRequest:
    """What a hot handler needs of a request: path parameters, query, headers, body, caller."""

    __slots__ = ("_actor", "app", "body", "params", "scope")

    def __init__(self, scope: Scope, params: dict[str, str], body: bytes) -> None:
        self.scope = scope
        self.app: Any = scope["app"]
        self.params = params
        self.body = body
        self._actor: Actor | None = None

    @classmethod
    async def of(cls, request: Request) -> HotRequest:
        """The same view of a request FastAPI has already routed (the declared route's way in)."""
        body = await request.body() if request.method in ("POST", "PUT", "PATCH") else b""
        return cls(request.scope, {k: str(v) for k, v in request.path_params.items()}, body)

    @property
    def query_string(self) -> bytes:
        return bytes(self.scope.get("query_string", b""))

    @property
    def state(self) -> Any:
        return self.app.state

    def header(self, name: bytes) -> str | None:
        """The first value of header ``name`` (lower-case bytes), or None."""
        for k, v in self.scope["headers"]:
            if k == name:
                return str(v.decode("latin-1"))
        return None

    @property
    def actor(self) -> Actor:
        """The verified caller (401 without a valid bearer token), as ``shared.auth`` decides it."""
        if self._actor is None:
            self._actor = actor_from_header(self.header(b"authorization"), self.app.state.settings)
            self.scope.setdefault("state", {})["actor"] = self._actor
        return self._actor

    def uuid_param(self, name: str) -> uuid.UUID:
        """Path parameter ``name`` as a UUID; 422 naming it otherwise, as FastAPI answers."""
        try:
            return _UUID.validate_python(self.params[name])
        except ValidationError as exc:
            errors = [{**e, "loc": ("path", name, *e["loc"])} for e in exc.errors(include_url=False)]
            raise validation_problem(errors) from None

    def json_body(self, model: type[M]) -> M:
        """The body validated as ``model``; 422 naming the fields otherwise."""
        try:
            return model.model_validate_json(self.body or b"null")
        except ValidationError as exc:
            raise validation_problem(list(exc.errors(include_url=False))) from None


Handler = Callable[[HotRequest], Awaitable[Response]]


@dataclass(frozen=True)
class HotRoute:
    method: str
    path: str  # a FastAPI path template: "/api/v1/demands/{demand_id}"
    handler: Handler

    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path) + "$")


class HotRoutes:
    """ASGI middleware: hot routes answered here, every other request passed on."""

    def __init__(self, app: ASGIApp, routes: Sequence[HotRoute] = (), enabled: bool = True) -> None:
        self.app = app
        self.routes: dict[str, list[tuple[re.Pattern[str], HotRoute]]] = {}
        for r in routes if enabled else ():
            self.routes.setdefault(r.method, []).append((r.pattern(), r))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (candidates := self.routes.get(scope["method"])):
            path = scope["path"]
            for pattern, route in candidates:
                m = pattern.match(path)
                if m is not None:
                    await self._serve(route, m.groupdict(), scope, receive, send)
                    return
        await self.app(scope, receive, send)

    @staticmethod
    async def _serve(route: HotRoute, params: dict[str, str], scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        if scope["method"] in ("POST", "PUT", "PATCH"):
            chunks = []
            while True:
                message = await receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
        scope[ROUTE_KEY] = route.path  # the metrics' route label
        try:
            response = await route.handler(HotRequest(scope, params, body))
        except Problem as exc:
            response = problem_response(
                exc.status, exc.slug, exc.detail, title=exc.title, instance=scope["path"], **exc.extra
            )
        except Exception as exc:
            response = await unexpected_error_response(exc, scope["app"], method=scope["method"], path=scope["path"])
        await response(scope, receive, send)
