"""A pure-ASGI fast path in front of the FastAPI app, for the gateway's busiest routes.

Most requests the gateway serves go to the catch-all ``proxy`` route or to the composed
demand view, and for them FastAPI's routing, dependency solving, ``Request`` object and
middleware stack cost more CPU than the work itself. ``GatewayApp`` finds the route FastAPI
would pick (the first of its routes whose path and method match, from the routes' own
regexes), and when that is one of these two it answers here, doing what the FastAPI path
does, in the same order:

* ``RequestContextMiddleware``: the request id (accepted or made, echoed) and trace context;
* ``RequestLimits`` (``shared/limits.py``), with the same ``Limits`` object: 413 for a big
  body, 429 after repeated failed authentications from the address;
* the route: the path check (400 problem for a path the gateway refuses, see
  ``routes.forwarded_path``), the owner of the path (else the 404 problem), the caller's
  authentication and rate limit (``edge_headers``; a ``Problem`` is answered as the app's
  exception handler answers it, ``instance`` and all), the body, the call with the path as
  received (503 problem when the service is unavailable), the reply with the response
  headers the gateway passes on and ``content-length``; for the composed view, the UUID
  validation FastAPI does (422), then ``compose.compose_demand`` itself;
* ``ServerErrorMiddleware`` (the same class, with the app's 500 handler) around it all.

Everything else (the other composition routes, the vocabulary, the dashboard,
``/openapi.json``, ``/docs``, health checks, HEAD and OPTIONS, a path with a line feed, a
``root_path``) goes to FastAPI unchanged, and so does every request if the app ever gets
other middleware or a mount the fast path does not know.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.compose import compose_demand
from services.gateway.downstream import Downstream, Unavailable
from services.gateway.edge import edge_headers, invalid_path, unavailable
from services.gateway.routes import forwarded_path, service_for
from shared.hotpath import HotRequest
from shared.http import RequestContextMiddleware, in_request_context
from shared.limits import Limits, RequestLimits
from shared.problems import Problem, problem_response
from shared.telemetry import ROUTE_KEY, RequestTelemetry

PREFIX = "/api/v1/"
PROXY_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_FAST = "itp.gateway.fast"  # scope key: the fast handler and its path match
_ODD_QUERY = re.compile(rb"[#\t\r\n]").search  # what urlsplit (so request.url.query) would change


def proxy_query(scope: Scope) -> str:
    """``request.url.query`` of ``scope``, without building a URL when the query is plain."""
    qs: bytes = scope.get("query_string", b"")
    if not qs:
        return ""
    if qs.isascii() and _ODD_QUERY(qs) is None:
        return qs.decode("ascii")
    return Request(scope).url.query


async def read_body(receive: Receive) -> bytes:
    """The whole request body, as ``Request.body()`` reads it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_Handler = Callable[["GatewayApp", Scope, Receive, Send, str, "re.Match[str]"], Awaitable[None]]
_Entry = tuple["re.Pattern[str]", "set[str] | None", "_Handler | None"]


class GatewayApp(FastAPI):
    """The gateway's FastAPI app, with the fast path in front for the proxy and the composed demand view."""

    proxy_endpoint: Any = None  # the catch-all route's endpoint (set by create_gateway_app)
    demand_view_endpoint: Any = None  # the composed demand view's endpoint
    _table: list[_Entry] | None = None
    _fast = True
    _fast_app: ASGIApp | None = None
    _telemetry: ASGIApp | None = None
    _limited: ASGIApp

    def _route_table(self) -> list[_Entry] | None:
        """(path regex, methods, fast handler or None) of the HTTP routes that can match a path
        under /api/v1/, in FastAPI's order; None if the fast path cannot tell what FastAPI
        would do (other middleware, a mount)."""
        if [m.cls for m in self.user_middleware] != [RequestContextMiddleware, RequestLimits]:
            return None  # the fast path does what these middlewares do, and nothing else
        handlers: dict[Any, _Handler] = {}
        if self.proxy_endpoint is not None:
            handlers[self.proxy_endpoint] = GatewayApp._proxy
        if self.demand_view_endpoint is not None:
            handlers[self.demand_view_endpoint] = GatewayApp._demand_view
        table: list[_Entry] = []
        for route in self.router.routes:
            if isinstance(route, WebSocketRoute):
                continue
            if not isinstance(route, Route):
                return None
            literal = route.path_format.split("{", 1)[0]
            if literal.startswith(PREFIX) or PREFIX.startswith(literal):
                table.append((route.path_regex, route.methods, handlers.get(route.endpoint)))
        return table

    def fast_route(self, scope: Scope) -> tuple[_Handler, re.Match[str]] | None:
        """The fast handler of the route FastAPI would serve this request with, if it has one
        (and the request is plain enough for it)."""
        path: str = scope["path"]
        method: str = scope["method"]
        if not path.startswith(PREFIX) or method not in PROXY_METHODS or "\n" in path:
            return None
        if scope.get("root_path") or self.root_path or not self._fast:
            return None
        table = self._table
        if table is None:
            table = self._route_table()
            if table is None:
                self._fast = False
                return None
            self._table = table
        for regex, methods, handler in table:
            if methods is None or method in methods:
                match = regex.match(path)
                if match is not None:
                    return None if handler is None else (handler, match)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._telemetry is None:  # counts, times and logs both ways in (shared/telemetry.py)
            self._telemetry = RequestTelemetry(self._route_request, service="gateway")
        await self._telemetry(scope, receive, send)

    async def _route_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        fast = self.fast_route(scope) if scope["type"] == "http" else None
        if fast is None:
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        scope[_FAST] = fast
        scope[ROUTE_KEY] = _FAST_ROUTES[fast[0]]
        if self._fast_app is None:
            self._fast_app = self._fast_stack()
        await self._fast_app(scope, receive, send)

    def _fast_stack(self) -> ASGIApp:
        """The fast path inside the ServerErrorMiddleware FastAPI puts outermost (same 500 handler)."""
        error_handler = None
        for key, value in self.exception_handlers.items():
            if key in (500, Exception):
                error_handler = value
        # The same limits (and the same state) as the RequestLimits middleware of the FastAPI path.
        limits = self.user_middleware[1].kwargs["limits"]
        assert isinstance(limits, Limits)
        self._limited = RequestLimits(self._dispatch, limits=limits, request_id_header=True)
        return ServerErrorMiddleware(self._with_context, handler=error_handler, debug=self.debug)

    async def _with_context(self, scope: Scope, receive: Receive, send: Send) -> None:
        # As RequestContextMiddleware: the request id (echoed below) and trace context of the request.
        await in_request_context(self._limited, scope, receive, send, echo_id=False)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler, match = scope.pop(_FAST)
        await handler(self, scope, receive, send, scope["state"]["request_id"], match)

    async def _edge(self, scope: Scope, request_id: str) -> dict[str, str] | Response:
        """``forward_headers``, or the problem the exception handler would answer with."""
        try:
            return await edge_headers(scope["headers"], self.state.access, request_id)
        except Problem as exc:
            return self._problem(scope, exc)

    @staticmethod
    def _problem(scope: Scope, exc: Problem) -> Response:
        """The answer the app's exception handler gives to ``exc``."""
        return problem_response(
            exc.status, exc.slug, exc.detail, title=exc.title, instance=Request(scope).url.path, **exc.extra
        )

    async def _proxy(self, scope: Scope, receive: Receive, send: Send, request_id: str, match: re.Match[str]) -> None:
        """main.proxy"""
        rid = (b"x-request-id", request_id.encode())
        method: str = scope["method"]
        target = forwarded_path(scope)
        if target is None:
            await _answer(invalid_path(Request(scope).url.path), rid, send)
            return
        service = service_for(match["path"])
        if service is None:
            response = problem_response(
                404, "not-found", f"no resource at /api/v1/{match['path']}", instance=Request(scope).url.path
            )
            await _answer(response, rid, send)
            return
        headers = await self._edge(scope, request_id)
        if isinstance(headers, Response):
            await _answer(headers, rid, send)
            return
        body = await read_body(receive) if method in _WITH_BODY else None
        query = proxy_query(scope)
        down: Downstream = self.state.downstream
        try:
            r = await down.call(service, method, target, query=query, headers=headers, body=body)
        except Unavailable as exc:
            await _answer(unavailable(exc.service, exc.reason), rid, send)
            return
        raw = r.raw_headers.copy()
        status = r.status
        if not (status < 200 or status == 204 or status == 304):
            raw.append((b"content-length", str(len(r.body)).encode()))
        raw.append(rid)
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": r.body})

    async def _demand_view(
        self, scope: Scope, receive: Receive, send: Send, request_id: str, match: re.Match[str]
    ) -> None:
        """compose.demand_view"""
        rid = (b"x-request-id", request_id.encode())
        try:  # as FastAPI validates the path parameter, before the endpoint runs
            demand_id = HotRequest(scope, match.groupdict(), b"").uuid_param("demand_id")
        except Problem as exc:
            await _answer(self._problem(scope, exc), rid, send)
            return
        headers = await self._edge(scope, request_id)
        if isinstance(headers, Response):
            await _answer(headers, rid, send)
            return
        state = self.state
        response = await compose_demand(state.downstream, headers, state.settings.compose_timeout_s, demand_id)
        await _answer(response, rid, send)


async def _answer(response: Any, rid: tuple[bytes, bytes], send: Send) -> None:
    await send({"type": "http.response.start", "status": response.status_code, "headers": [*response.raw_headers, rid]})
    await send({"type": "http.response.body", "body": response.body})


# The route templates the fast path serves, for the metrics' route label.
_FAST_ROUTES: dict[Any, str] = {
    GatewayApp._proxy: "/api/v1/{path:path}",
    GatewayApp._demand_view: "/api/v1/demands/{demand_id}",
}
