"""Calls from the gateway to the services, through one pooled ``aiohttp.ClientSession`` (ADR 0003).

The session lives as long as the gateway process: its connector keeps connections to each
service alive and reuses them (at most ``LIMIT_PER_SERVICE`` open per service, none kept idle
longer than uvicorn keeps them, DNS answers cached), so a call costs one request on a warm
connection. aiohttp follows redirects, retries an idempotent request once when a kept-alive
connection turns out closed, and names what went wrong (the ``reason`` of ``Unavailable``).
Every call has a deadline; the composed views give each part its own (``get_all``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence

import aiohttp
from multidict import CIMultiDictProxy

from shared import metrics

FORWARD_REQUEST_HEADERS = (
    "content-type",
    "accept",
    "authorization",
    "idempotency-key",
    "if-match",
    "if-none-match",
    "x-api-key",
    "accept-language",
)
FORWARD_RESPONSE_HEADERS = (
    "content-type",
    "allow",  # a 405's supported methods (RFC 9110)
    "etag",
    "location",
    "idempotent-replayed",
    "retry-after",
    "cache-control",
    "content-security-policy",
    "referrer-policy",
    "x-content-type-options",
)

# uvicorn closes a keep-alive connection after 5 s without a request: never reuse one that old.
IDLE_S = 4.0
LIMIT_PER_SERVICE = 128
DNS_CACHE_S = 10


class Unavailable(Exception):
    """A service did not answer in time or could not be reached."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} unavailable: {reason}")
        self.service = service
        self.reason = reason


class Reply:
    """A service's answer: status, the response headers the gateway passes on, and the body."""

    __slots__ = ("_headers", "body", "raw_headers", "status")

    def __init__(self, status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.raw_headers = raw_headers  # (lower-case name, value), in FORWARD_RESPONSE_HEADERS order
        self.body = body
        self._headers: dict[str, str] | None = None

    @property
    def headers(self) -> dict[str, str]:
        if self._headers is None:
            self._headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers}
        return self._headers

    def __repr__(self) -> str:
        return f"Reply({self.status}, {self.headers!r}, {self.body[:80]!r})"


def _pick(headers: CIMultiDictProxy[str]) -> list[tuple[bytes, bytes]]:
    """The headers the gateway passes on (the first of each name), in FORWARD_RESPONSE_HEADERS order."""
    return [(k.encode(), headers[k].encode("latin-1")) for k in FORWARD_RESPONSE_HEADERS if k in headers]


class Downstream:
    def __init__(self, urls: dict[str, str], *, timeout_s: float) -> None:
        self.urls = {k: v.rstrip("/") for k, v in urls.items()}
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=0,  # no overall cap: each service has its own
                    limit_per_host=LIMIT_PER_SERVICE,
                    keepalive_timeout=IDLE_S,
                    ttl_dns_cache=DNS_CACHE_S,
                ),
                timeout=aiohttp.ClientTimeout(),  # the deadline is the caller's (asyncio.timeout)
                skip_auto_headers=("User-Agent",),
                auto_decompress=False,
            )

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def stream(
        self,
        service: str,
        path: str,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
        connect_timeout_s: float = 5.0,
    ) -> tuple[int, dict[str, str], AsyncIterator[bytes]]:
        """Open a long-lived GET (Server-Sent Events): status, headers and the body as it arrives.

        Only connecting has a deadline; the stream itself stays open until either side closes it."""
        assert self._session is not None, "Downstream not started"
        url = self.urls[service] + path + (f"?{query}" if query else "")
        try:
            resp = await self._session.get(
                url,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=None, connect=connect_timeout_s, sock_read=None),
            )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise Unavailable(service, type(exc).__name__) from exc

        async def body() -> AsyncIterator[bytes]:
            try:
                async for chunk in resp.content.iter_any():
                    yield chunk
            finally:
                resp.release()

        picked = {k: resp.headers[k] for k in FORWARD_RESPONSE_HEADERS if k in resp.headers}
        return resp.status, picked, body()

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        timeout_s: float | None = None,
    ) -> Reply:
        """One request to a service within ``timeout_s`` (else the gateway's downstream timeout),
        counted and timed by service and outcome; ``Unavailable`` when it gets no answer."""
        session = self._session
        assert session is not None, "Downstream not started"
        url = self.urls[service] + path + (f"?{query}" if query else "")
        started = time.perf_counter()
        try:
            async with asyncio.timeout(timeout_s or self.timeout_s):
                async with session.request(method, url, headers=headers, data=body) as resp:
                    reply = Reply(resp.status, _pick(resp.headers), await resp.read())
        except TimeoutError as exc:
            metrics.observe_downstream(service, started, None)
            raise Unavailable(service, "timed out") from exc
        except (aiohttp.ClientError, OSError) as exc:  # OSError: a socket error aiohttp let through
            metrics.observe_downstream(service, started, None)
            raise Unavailable(service, type(exc).__name__) from exc
        metrics.observe_downstream(service, started, reply.status)
        return reply

    async def get_all(
        self,
        parts: Sequence[tuple[str, str, str]],
        *,
        headers: dict[str, str] | None = None,
        timeout_s: float | None = None,
    ) -> list[Reply | None]:
        """GET every (service, path, query) at once, each within ``timeout_s``: the replies, in
        order, with None for a part whose service is unavailable (where ``call`` would raise
        Unavailable); any other error is raised."""

        async def part(service: str, path: str, query: str) -> Reply | None:
            try:
                return await self.call(service, "GET", path, query=query, headers=headers, timeout_s=timeout_s)
            except Unavailable:
                return None

        return list(await asyncio.gather(*(part(*p) for p in parts)))
