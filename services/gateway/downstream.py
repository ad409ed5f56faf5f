"""Calls from the gateway to the services over one pooled aiohttp session.

aiohttp's client keeps far more of a direct call's throughput than httpx's default
transport on these machines (see docs/benchmarks.md), and one session per process
reuses keep-alive connections across requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDictProxy

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
    "etag",
    "location",
    "idempotent-replayed",
    "retry-after",
    "cache-control",
    "content-security-policy",
    "referrer-policy",
    "x-content-type-options",
)


class Unavailable(Exception):
    """A service did not answer in time or could not be reached."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} unavailable: {reason}")
        self.service = service
        self.reason = reason


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _pick(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    return {k: headers[k] for k in FORWARD_RESPONSE_HEADERS if k in headers}


class Downstream:
    def __init__(self, urls: dict[str, str], *, timeout_s: float) -> None:
        self.urls = {k: v.rstrip("/") for k, v in urls.items()}
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=256, limit_per_host=128, keepalive_timeout=30),
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

        return resp.status, _pick(resp.headers), body()

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
        assert self._session is not None, "Downstream not started"
        url = self.urls[service] + path + (f"?{query}" if query else "")
        try:
            async with asyncio.timeout(timeout_s or self.timeout_s):
                async with self._session.request(method, url, headers=headers, data=body) as resp:
                    data = await resp.read()
                    return Reply(resp.status, _pick(resp.headers), data)
        except TimeoutError as exc:
            raise Unavailable(service, "timed out") from exc
        except aiohttp.ClientError as exc:
            raise Unavailable(service, type(exc).__name__) from exc
