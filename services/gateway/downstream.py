"""Calls from the gateway to the services over pooled keep-alive HTTP/1.1 connections.

A call is the gateway's hottest work: every proxied request makes one and the composed views
make several at once. aiohttp's client spends some 100 us of CPU per call on machinery the
gateway does not use (URL objects, multidicts, payload registry, tracing hooks, a writer task
per body), so plain ``http://host:port`` services are called through a small client here:
a pool of asyncio connections per service, the request head rendered as bytes, the response
read with httptools (the C parser uvicorn uses). It sends what aiohttp sent (the same Host,
``Accept``, ``Accept-Encoding``, ``Content-Length`` and default ``Content-Type`` headers, the
same request target) and keeps aiohttp's behaviour where a caller could tell: an idempotent
request that meets a dropped keep-alive connection is retried once, a redirect is followed
(through aiohttp, as before), failures are reported with aiohttp's exception names. A service
whose URL is not a plain ``http://host[:port]`` is called through aiohttp, as is the
dashboard's long-lived event stream.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence

import aiohttp
import httptools
from multidict import CIMultiDictProxy
from yarl import URL

from shared import metrics

FORWARD_REQUEST_HEADERS = (
    "content-type",
    "allow",  # a 405's supported methods (RFC 9110)
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
_PICK = {name.encode(): name for name in FORWARD_RESPONSE_HEADERS}

# What aiohttp's ClientSession (with skip_auto_headers=("User-Agent",)) adds to every request.
_DEFAULT_HEADERS = tuple((k.lower(), v) for k, v in aiohttp.ClientRequest.DEFAULT_HEADERS.items())
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})  # a default Content-Type
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})  # no "Content-Length: 0" without a body
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})  # retried once on a dropped connection
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

# Paths and queries that yarl (so aiohttp) sends exactly as given; anything else goes through yarl.
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9._~/-]*").fullmatch
_DOT_SEGMENT = re.compile(r"/\.\.?(?:/|$)").search
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9._~=&,:/-]*").fullmatch

# uvicorn closes a keep-alive connection after 5 s without a request: never reuse one that old.
IDLE_S = 4.0
LIMIT_PER_SERVICE = 128


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
    return [(k.encode(), headers[k].encode("latin-1")) for k in FORWARD_RESPONSE_HEADERS if k in headers]


def _ordered(found: dict[str, bytes]) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), found[k]) for k in FORWARD_RESPONSE_HEADERS if k in found]


class _Failed(Exception):
    """A call that got no complete answer; ``reason`` is the name aiohttp's exception had."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable  # nothing of the answer had arrived: an idempotent call may be retried


class _Connection(asyncio.Protocol):
    """One keep-alive connection to a service; one request at a time."""

    def __init__(self, pool: _Pool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[None] | None = None
        self.open = False
        self.idle_since = 0.0
        self._reset()

    def _reset(self) -> None:
        self.status = 0
        self.found: dict[str, bytes] = {}
        self.chunks: list[bytes] = []
        self.headers_done = False
        self.framed = False  # Content-Length or Transfer-Encoding: else the body ends when the server closes
        self.keep_alive = False

    # -- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport subclass
        self.open = True
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except (OSError, AttributeError):  # pragma: no cover - not a TCP socket
                pass

    def data_received(self, data: bytes) -> None:
        if self.waiter is None or self.waiter.done():  # nothing asked: the connection is unusable
            self.close()
            return
        try:
            self.parser.feed_data(data)
        except Exception:  # not HTTP (HttpParserError), or an upgrade (HttpParserUpgrade)
            self._fail(_Failed("ClientResponseError"))
            self.close()

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        w = self.waiter
        if w is None or w.done():
            return
        if self.headers_done and not self.framed and self.status not in (204, 304):
            w.set_result(None)  # a body delimited by the end of the connection
        elif self.headers_done:
            w.set_exception(_Failed("ClientPayloadError"))  # the body was cut short
        else:  # no answer: an idempotent call may try again
            w.set_exception(_Failed("ServerDisconnectedError" if exc is None else "ClientOSError", retryable=True))

    # -- httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        picked = _PICK.get(name)
        if picked is not None:
            self.found.setdefault(picked, value)
        elif name == b"content-length" or name == b"transfer-encoding":
            self.framed = True

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if 100 <= self.status < 200:  # an interim answer: the real one follows
            self._reset()
            return
        self.keep_alive = self.parser.should_keep_alive()
        w = self.waiter
        if w is not None and not w.done():
            w.set_result(None)

    # --
    def _fail(self, exc: _Failed) -> None:
        w = self.waiter
        if w is not None and not w.done():
            w.set_exception(exc)

    def send(self, data: bytes) -> asyncio.Future[None]:
        assert self.transport is not None
        self._reset()
        self.waiter = w = self.pool.loop.create_future()
        self.transport.write(data)
        return w

    def reply(self) -> Reply:
        chunks = self.chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return Reply(self.status, _ordered(self.found), body)

    def close(self) -> None:
        self.open = False
        if self.transport is not None:
            self.transport.close()


class _Pool:
    """Keep-alive connections to one service, at most ``limit`` open at once."""

    def __init__(self, url: URL, limit: int) -> None:
        assert url.host is not None and url.port is not None
        self.host = url.host
        self.port = url.port
        self.limit = limit
        self.loop = asyncio.get_running_loop()
        self.idle: list[_Connection] = []
        self.count = 0  # connections open or being opened
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.closed = False

    def idle_connection(self) -> _Connection | None:
        """A kept-alive connection ready for a request, if there is one."""
        idle = self.idle
        while idle:
            conn = idle.pop()
            if conn.open and time.monotonic() - conn.idle_since < IDLE_S:
                return conn
            conn.close()
            self.count -= 1
        return None

    async def acquire(self) -> _Connection:
        while True:
            conn = self.idle_connection()
            if conn is not None:
                return conn
            if self.count < self.limit:
                break
            waiter = self.loop.create_future()
            self.waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # a turn given to a call that gave up: pass it on
                else:
                    waiter.cancel()
                raise
        self.count += 1
        try:
            _, conn = await self.loop.create_connection(lambda: _Connection(self), self.host, self.port)
        except OSError as exc:
            self.count -= 1
            self._wake()
            raise _Failed("ClientConnectorError") from exc
        except BaseException:
            self.count -= 1
            self._wake()
            raise
        return conn

    def release(self, conn: _Connection, reusable: bool) -> None:
        conn.waiter = None
        if reusable and conn.open and not self.closed:
            conn.idle_since = time.monotonic()
            self.idle.append(conn)
        else:
            conn.close()
            self.count -= 1
        self._wake()

    def _wake(self) -> None:
        while self.waiters:
            w = self.waiters.popleft()
            if not w.done():
                w.set_result(None)
                return

    def close(self) -> None:
        self.closed = True
        for conn in self.idle:
            conn.close()
        self.count -= len(self.idle)
        self.idle.clear()


def _header_block(method: str, headers: dict[str, str] | None, body: bytes | None) -> str:
    """The request headers after Host, as aiohttp writes them (its automatic headers included)."""
    lines = []
    has = set()
    if headers:
        for k, v in headers.items():
            if "\r" in v or "\n" in v or "\r" in k or "\n" in k:
                raise ValueError("Newline or carriage return character detected in HTTP status message or header")
            lines.append(f"{k}: {v}\r\n")
            has.add(k.lower())
    for k, v in _DEFAULT_HEADERS:
        if k not in has:
            lines.append(f"{k}: {v}\r\n")
    if "content-length" not in has:
        if body is not None:
            lines.append(f"Content-Length: {len(body)}\r\n")
        elif method not in _SAFE_METHODS:
            lines.append("Content-Length: 0\r\n")
    if "content-type" not in has and method in _BODY_METHODS:  # with a body or without
        lines.append("Content-Type: application/octet-stream\r\n")
    lines.append("\r\n")
    return "".join(lines)


def _target(url: str, path: str, query: str) -> str:
    """The request target aiohttp sends for ``url`` (a service's base URL + ``path`` + ``?query``)."""
    if _PLAIN_PATH(path) and _DOT_SEGMENT(path) is None and (not query or _PLAIN_QUERY(query)):
        return f"{path}?{query}" if query else path
    try:
        return URL(url).raw_path_qs
    except ValueError as exc:
        raise _Failed("InvalidUrlClientError") from exc


class _InFlight:
    """A GET of ``get_all`` written on a kept-alive connection, its answer not yet read."""

    __slots__ = ("conn", "path", "pool", "query", "service", "started", "waiter")

    def __init__(self, service: str, path: str, query: str, pool: _Pool, conn: _Connection, data: bytes) -> None:
        self.service = service
        self.path = path
        self.query = query
        self.pool = pool
        self.conn: _Connection | None = conn
        self.started = time.perf_counter()
        self.waiter = conn.send(data)

    def reply(self) -> Reply | None:
        """The answer if it has arrived (the connection goes back to the pool), else None."""
        conn, waiter = self.conn, self.waiter
        if conn is None or not waiter.done() or waiter.cancelled() or waiter.exception() is not None:
            return None
        self.conn = None
        reply = conn.reply()
        self.pool.release(conn, conn.keep_alive)
        return reply

    def drop(self) -> None:
        """Give the connection back: kept if its answer was read whole, else closed."""
        if self.conn is not None and self.reply() is None:
            self.pool.release(self.conn, False)
            self.conn = None


def _is_redirect(reply: Reply) -> bool:
    return reply.status in _REDIRECTS and any(k == b"location" for k, _ in reply.raw_headers)


class Downstream:
    def __init__(self, urls: dict[str, str], *, timeout_s: float) -> None:
        self.urls = {k: v.rstrip("/") for k, v in urls.items()}
        self.timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._pools: dict[str, _Pool] = {}
        self._hosts: dict[str, str] = {}

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=256, limit_per_host=128, keepalive_timeout=30),
                skip_auto_headers=("User-Agent",),
                auto_decompress=False,
            )
            for service, base in self.urls.items():
                url = URL(base)
                plain = (
                    url.scheme == "http"
                    and url.host is not None
                    and url.raw_path in ("", "/")
                    and not (url.raw_query_string or url.raw_fragment or url.raw_user or url.raw_password)
                )
                if plain:
                    self._pools[service] = _Pool(url, LIMIT_PER_SERVICE)
                    assert url.host_port_subcomponent is not None
                    self._hosts[service] = url.host_port_subcomponent

    async def stop(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()
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
        """One request to a service (counted and timed by service and outcome)."""
        started = time.perf_counter()
        try:
            reply = await self._call(
                service, method, path, query=query, headers=headers, body=body, timeout_s=timeout_s
            )
        except Unavailable:
            metrics.observe_downstream(service, started, None)
            raise
        metrics.observe_downstream(service, started, reply.status)
        return reply

    async def _call(
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
        pool = self._pools.get(service)
        try:
            async with asyncio.timeout(timeout_s or self.timeout_s):
                if pool is None or method == "HEAD":  # a HEAD answer's Content-Length announces no body
                    return await self._aiohttp(method, url, headers, body)
                head = f"{method} {_target(url, path, query)} HTTP/1.1\r\nHost: {self._hosts[service]}\r\n"
                data = (head + _header_block(method, headers, body)).encode("utf-8")
                if body:
                    data += body
                reply = await self._send(pool, method, data)
                if _is_redirect(reply):
                    # aiohttp follows redirects (rebuilding method, body and headers by its rules):
                    # let it, from the start.
                    return await self._aiohttp(method, url, headers, body)
                return reply
        except TimeoutError as exc:
            raise Unavailable(service, "timed out") from exc
        except _Failed as exc:
            raise Unavailable(service, exc.reason) from exc
        except aiohttp.ClientError as exc:
            raise Unavailable(service, type(exc).__name__) from exc

    async def get_all(
        self,
        parts: Sequence[tuple[str, str, str]],
        *,
        headers: dict[str, str] | None = None,
        timeout_s: float | None = None,
    ) -> list[Reply | None]:
        """GET every (service, path, query) at once, each within ``timeout_s``: the replies, in
        order, with None for a part whose service is unavailable (where ``call`` would raise
        Unavailable); any other error is raised.

        A part that finds a kept-alive connection is written on it at once, without a task of
        its own; the others (and a retry or a redirect) go through ``call`` in a task."""
        assert self._session is not None, "Downstream not started"
        timeout = timeout_s or self.timeout_s
        block: str | None = None
        started: list[_InFlight | asyncio.Task[Reply | None]] = []
        results: list[Reply | None] = [None] * len(parts)
        try:
            for service, path, query in parts:
                pool = self._pools.get(service)
                conn = pool.idle_connection() if pool is not None else None
                if pool is None or conn is None:
                    started.append(asyncio.ensure_future(self._part(service, path, query, headers, timeout)))
                    continue
                try:
                    if block is None:
                        block = _header_block("GET", headers, None)
                    url = self.urls[service] + path + (f"?{query}" if query else "")
                    head = f"GET {_target(url, path, query)} HTTP/1.1\r\nHost: {self._hosts[service]}\r\n"
                except _Failed:  # let call() say what is wrong with this one
                    pool.release(conn, True)
                    started.append(asyncio.ensure_future(self._part(service, path, query, headers, timeout)))
                    continue
                except BaseException:
                    pool.release(conn, True)
                    raise
                started.append(_InFlight(service, path, query, pool, conn, (head + block).encode("utf-8")))
            i = 0
            try:
                async with asyncio.timeout(timeout):
                    for i, part in enumerate(started):  # i: the part the deadline strikes in
                        results[i] = await self._settle(part, headers, timeout)
            except TimeoutError:
                # Every part had the same deadline: the one awaited missed it, the later ones
                # count if their answer is in.
                for j in range(i + 1, len(started)):
                    part = started[j]
                    if isinstance(part, _InFlight):
                        reply = part.reply()
                        results[j] = None if reply is None or _is_redirect(reply) else reply
                    elif part.done() and not part.cancelled():
                        results[j] = part.result()
            return results
        finally:
            for part in started:
                if isinstance(part, _InFlight):
                    part.drop()
                elif not part.done():
                    part.cancel()

    async def _settle(
        self, part: _InFlight | asyncio.Task[Reply | None], headers: dict[str, str] | None, timeout_s: float
    ) -> Reply | None:
        if not isinstance(part, _InFlight):
            return await part
        try:
            await part.waiter
        except _Failed as exc:
            part.drop()
            if exc.retryable:  # a GET is retried once, as call() does
                return await self._part(part.service, part.path, part.query, headers, timeout_s)
            metrics.observe_downstream(part.service, part.started, None)
            return None
        reply = part.reply()
        assert reply is not None
        if _is_redirect(reply):
            return await self._part(part.service, part.path, part.query, headers, timeout_s, via_aiohttp=True)
        metrics.observe_downstream(part.service, part.started, reply.status)
        return reply

    async def _part(
        self,
        service: str,
        path: str,
        query: str,
        headers: dict[str, str] | None,
        timeout_s: float,
        *,
        via_aiohttp: bool = False,
    ) -> Reply | None:
        try:
            if via_aiohttp:
                url = self.urls[service] + path + (f"?{query}" if query else "")
                try:
                    async with asyncio.timeout(timeout_s):
                        return await self._aiohttp("GET", url, headers, None)
                except TimeoutError as exc:
                    raise Unavailable(service, "timed out") from exc
                except aiohttp.ClientError as exc:
                    raise Unavailable(service, type(exc).__name__) from exc
            return await self.call(service, "GET", path, query=query, headers=headers, timeout_s=timeout_s)
        except Unavailable:
            return None

    async def _send(self, pool: _Pool, method: str, data: bytes) -> Reply:
        retry = method in _IDEMPOTENT
        while True:
            conn = await pool.acquire()
            try:
                await conn.send(data)
            except _Failed as exc:
                pool.release(conn, False)
                if retry and exc.retryable:
                    retry = False
                    continue
                raise
            except BaseException:
                pool.release(conn, False)
                raise
            reply = conn.reply()
            pool.release(conn, conn.keep_alive)
            return reply

    async def _aiohttp(self, method: str, url: str, headers: dict[str, str] | None, body: bytes | None) -> Reply:
        assert self._session is not None
        async with self._session.request(method, url, headers=headers, data=body) as resp:
            data = await resp.read()
            return Reply(resp.status, _pick(resp.headers), data)
