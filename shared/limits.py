"""Limits every app enforces at its door: request-body size and failed authentications.

``RequestLimits`` is an ASGI middleware that every service app and the gateway run, before
any route (hot or not) reads a body or verifies a credential:

* **Body size.** A request whose ``Content-Length`` exceeds the limit is answered 413 at once,
  its body never read; a body without a length (chunked) is counted as it is received and the
  read that crosses the limit fails with the same 413. The limit is ``ITP_MAX_BODY_BYTES``,
  or ``ITP_MAX_BULK_BODY_BYTES`` for the few routes that take files (``BULK_ROUTES``).
* **Failed authentication.** Each 401 answered to a request that presented a credential (an
  ``Authorization`` or ``X-API-Key`` header, or an ``access_token`` query parameter) takes a
  token from its client address's bucket (``ITP_AUTH_FAILURE_BURST``, refilled at
  ``ITP_AUTH_FAILURES_PER_MINUTE``). While the bucket is empty, requests from that address
  that present a credential are answered 429 with ``Retry-After`` before any verification,
  so guessing tokens or API keys is slow, and a correct guess is not told apart from a wrong one.

Both answers are problem+json. The state lives in a ``Limits`` object.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.problems import Problem, problem_response
from shared.settings import ServiceSettings

# (method, path) of the routes that take files: they get the bulk body limit.
BULK_ROUTES = frozenset({("POST", "/api/v1/talent/imports")})


class TokenBucket:
    """Per-key budget: ``rate_per_minute`` on average, bursts up to ``burst``."""

    def __init__(self, rate_per_minute: float, burst: int) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)

    def _wait(self, tokens: float) -> float:
        return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0

    def take(self, key: str) -> float:
        """Spend one token: 0 if there was one, else the seconds until there will be (nothing spent)."""
        now = time.monotonic()
        tokens = self._tokens(key, now)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > 100_000:  # bounded memory: forget the idle
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 300}
        return self._wait(tokens)

    def peek(self, key: str) -> float:
        """0 if ``key`` has a token now, else the seconds until it will (nothing spent)."""
        if key not in self._buckets:
            return 0.0
        tokens = self._tokens(key, time.monotonic())
        return 0.0 if tokens >= 1.0 else self._wait(tokens)


class PayloadTooLarge(Problem):
    def __init__(self, limit: int) -> None:
        super().__init__(413, "payload-too-large", f"the request body may have at most {limit} bytes", max_bytes=limit)


class Limits:
    """The limits of one app and the failed-authentication buckets of its callers."""

    def __init__(
        self,
        *,
        max_body_bytes: int,
        max_bulk_body_bytes: int,
        auth_failures_per_minute: float,
        auth_failure_burst: int,
        bulk_routes: frozenset[tuple[str, str]] = BULK_ROUTES,
    ) -> None:
        self.max_body_bytes = max_body_bytes
        self.max_bulk_body_bytes = max_bulk_body_bytes
        self.bulk_routes = bulk_routes
        self.failures = TokenBucket(auth_failures_per_minute, auth_failure_burst)

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> Limits:
        return cls(
            max_body_bytes=settings.max_body_bytes,
            max_bulk_body_bytes=settings.max_bulk_body_bytes,
            auth_failures_per_minute=settings.auth_failures_per_minute,
            auth_failure_burst=settings.auth_failure_burst,
        )

    def body_limit(self, scope: Scope) -> int:
        if (scope["method"], scope["path"]) in self.bulk_routes:
            return self.max_bulk_body_bytes
        return self.max_body_bytes


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


def _inspect(scope: Scope) -> tuple[int | None, bool]:
    """(declared Content-Length or None, whether the request presents a credential)."""
    length: int | None = None
    credential = b"access_token=" in scope.get("query_string", b"")
    for k, v in scope["headers"]:
        if k == b"content-length":
            length = int(v) if v.isdigit() else None
        elif k == b"authorization" or k == b"x-api-key":
            credential = True
    return length, credential


class RequestLimits:
    """ASGI middleware enforcing ``limits`` (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def _refuse(self, problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            problem.status, problem.slug, problem.detail, title=problem.title, instance=scope["path"], **problem.extra
        )
        if problem.status == 413:
            response.headers["connection"] = "close"  # the unread body is not waited for
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits = self.limits
        limit = limits.body_limit(scope)
        length, credential = _inspect(scope)
        if length is not None and length > limit:
            await self._refuse(PayloadTooLarge(limit), scope, receive, send)
            return
        client = _client(scope) if credential else ""
        if credential:
            wait = limits.failures.peek(client)
            if wait > 0:
                problem = Problem(
                    429,
                    "too-many-failed-authentications",
                    "too many failed authentications from this address; wait before trying again",
                    retry_after=max(1, round(wait + 0.5)),
                )
                await self._refuse(problem, scope, receive, send)
                return

        received = 0
        started = answered = False

        async def counted() -> Message:
            nonlocal received, answered
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answered here: a framework reading the body may turn the error into another answer.
                    if not started and not answered:
                        answered = True
                        await self._refuse(PayloadTooLarge(limit), scope, receive, send)
                    raise PayloadTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the 413 is the answer
            if message["type"] == "http.response.start":
                started = True
                if credential and message["status"] == 401:
                    limits.failures.take(client)
            await send(message)

        try:
            await self.app(scope, receive if length is not None else counted, watched)
        except PayloadTooLarge:
            if not answered:
                raise


def install(app: Any, settings: ServiceSettings) -> Limits:
    """Add ``RequestLimits`` to a FastAPI app (inside the request-context middleware, so add it
    before that one); returns the app's ``Limits``."""
    limits = Limits.from_settings(settings)
    app.add_middleware(RequestLimits, limits=limits)
    return limits
