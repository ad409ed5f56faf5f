"""ASGI middleware for request ids and trace context (pure ASGI: no per-request task)."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import tracing
from shared.tracing import child_of, current_traceparent


def _incoming(scope: Scope) -> tuple[str, str | None]:
    """The request id (accepted or made, kept in ``scope["state"]``) and the caller's traceparent."""
    request_id: str | None = None
    incoming_tp: str | None = None
    for k, v in scope["headers"]:
        if k == b"x-request-id":
            request_id = v.decode("latin-1")[:128]
        elif k == b"traceparent":
            incoming_tp = v.decode("latin-1")
    request_id = request_id or uuid.uuid4().hex
    scope.setdefault("state", {})["request_id"] = request_id
    return request_id, incoming_tp


async def in_request_context(app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, echo_id: bool) -> None:
    """Serve one HTTP request in its context: the request id, and the trace (a ``{METHOD} {route}``
    server span when tracing is on, see shared/tracing.py), whose traceparent is answered as the
    ``traceresponse`` header (W3C Trace Context level 2) and, with ``echo_id``, ``X-Request-ID``."""
    request_id, incoming = _incoming(scope)
    echoed = [(b"x-request-id", request_id.encode())] if echo_id else []
    status = 500

    async def send_with_ids(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers: list[Any] = list(message.get("headers", []))
            headers.extend(echoed)
            headers.append((b"traceresponse", scope["state"]["traceparent"].encode()))
            message["headers"] = headers
        await send(message)

    if not tracing.tracing_on():
        scope["state"]["traceparent"] = traceparent = child_of(incoming)  # for what runs after the context
        token = current_traceparent.set(traceparent)
        try:
            await app(scope, receive, send_with_ids)
        finally:
            current_traceparent.reset(token)
        return

    from shared.telemetry import route_template

    method = scope["method"]
    attributes = {"http.request.method": method, "url.path": scope["path"], "url.scheme": scope.get("scheme", "http")}
    with tracing.span(method, kind="server", parent=incoming, attributes=attributes) as span:
        scope["state"]["traceparent"] = current_traceparent.get()
        try:
            await app(scope, receive, send_with_ids)
        finally:
            route = route_template(scope)
            span.update_name(f"{method} {route}")
            span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", status)
            if status >= 500:
                from opentelemetry.trace import Status, StatusCode

                span.set_status(Status(StatusCode.ERROR))


class RequestContextMiddleware:
    """Accepts or creates ``X-Request-ID`` and ``traceparent``, echoes the request id and answers
    the request's traceparent as ``traceresponse``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await in_request_context(self.app, scope, receive, send, echo_id=True)
