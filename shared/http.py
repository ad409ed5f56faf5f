"""ASGI middleware for request ids and trace context (pure ASGI: no per-request task)."""

from __future__ import annotations

import uuid
from contextvars import Token
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.tracing import child_of, current_traceparent


def request_context(scope: Scope) -> tuple[str, Token[str | None]]:
    """Accept or create the request id (kept in ``scope["state"]``) and enter the request's trace
    context; returns the id and the token to reset ``current_traceparent`` with afterwards."""
    request_id: str | None = None
    incoming_tp: str | None = None
    for k, v in scope["headers"]:
        if k == b"x-request-id":
            request_id = v.decode("latin-1")[:128]
        elif k == b"traceparent":
            incoming_tp = v.decode("latin-1")
    request_id = request_id or uuid.uuid4().hex
    state = scope.setdefault("state", {})
    state["request_id"] = request_id
    state["traceparent"] = traceparent = child_of(incoming_tp)  # for what runs after the context ends
    return request_id, current_traceparent.set(traceparent)


class RequestContextMiddleware:
    """Accepts or creates ``X-Request-ID`` and ``traceparent`` and echoes the request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id, token = request_context(scope)
        rid = request_id.encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                headers.append((b"x-request-id", rid))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_traceparent.reset(token)
