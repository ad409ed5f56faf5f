"""The gateway's calls to the services: kept-alive connections, deadlines, and what a failure is called."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.gateway.downstream import Downstream, Unavailable
from services.gateway.tests.integration.stub import Stub, serving
from shared.testing import free_port

HEADERS = {"authorization": "Bearer t", "x-request-id": "r-1", "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}


@pytest.fixture(scope="module")
async def stub() -> AsyncIterator[Stub]:
    async with serving(Stub()) as s:
        yield s


@pytest.fixture
async def down(stub: Stub) -> AsyncIterator[Downstream]:
    d = Downstream({"talent": stub.url, "demand": stub.url + "/"}, timeout_s=3.0)
    await d.start()
    try:
        yield d
    finally:
        await d.stop()


async def test_a_header_with_a_line_break_is_refused(stub: Stub, down: Downstream) -> None:
    stub.seen.clear()
    with pytest.raises(ValueError):
        await down.call("talent", "GET", "/api/v1/people", headers={"x-request-id": "a\r\nx-evil: 1"})
    assert not stub.seen


async def test_connections_are_kept_alive_and_reused(stub: Stub, down: Downstream) -> None:
    before = len(stub.connections)
    for _ in range(5):
        assert (await down.call("talent", "GET", "/api/v1/people")).status == 200
    assert len(stub.connections) - before <= 1
    before = len(stub.connections)
    replies = await asyncio.gather(*(down.call("talent", "GET", "/api/v1/people") for _ in range(6)))
    assert all(r.status == 200 for r in replies)
    assert len(stub.connections) - before <= 6
    replies = await asyncio.gather(*(down.call("talent", "GET", "/api/v1/people") for _ in range(6)))
    assert all(r.status == 200 for r in replies)
    assert len(stub.connections) - before <= 6  # the second round found them all idle


async def test_a_restarted_service_is_reached_again(stub: Stub) -> None:
    local = Stub()
    async with serving(local):
        d = Downstream({"talent": local.url}, timeout_s=3.0)
        await d.start()
        try:
            assert (await d.call("talent", "GET", "/api/v1/people")).status == 200
        finally:
            port = local.port
    # The service went away with the kept-alive connection: the next call says so.
    try:
        with pytest.raises(Unavailable) as info:
            await d.call("talent", "GET", "/api/v1/people")
        assert info.value.reason == "ClientConnectorError"
        again = Stub(port=port)
        async with serving(again, port=port):
            assert (await d.call("talent", "GET", "/api/v1/people")).status == 200
    finally:
        await d.stop()


async def test_a_timed_out_call_does_not_leak_its_connection(stub: Stub, down: Downstream) -> None:
    with pytest.raises(Unavailable) as info:
        await down.call("talent", "GET", "/api/v1/people/slow", timeout_s=0.2)
    assert info.value.reason == "timed out"
    assert (await down.call("talent", "GET", "/api/v1/people")).status == 200


async def test_get_all_gives_none_for_what_is_missing(stub: Stub) -> None:
    d = Downstream({"talent": stub.url, "matching": f"http://127.0.0.1:{free_port()}"}, timeout_s=3.0)
    await d.start()
    try:
        parts: Any = (
            ("talent", "/api/v1/people/a", ""),
            ("matching", "/api/v1/matches", ""),
            ("talent", "/api/v1/people/slow", ""),
            ("talent", "/api/v1/people/b", "x=1"),
        )
        for _ in range(2):  # cold (new connections), then warm (kept-alive connections)
            first, down_, slow, last = await d.get_all(parts, headers=HEADERS, timeout_s=2.0)
            assert first is not None and first.status == 200
            assert down_ is None and slow is None
            assert last is not None and last.status == 200 and b'"query":"x=1"' in last.body
    finally:
        await d.stop()


class RawServer:
    """A server that misbehaves on purpose: ``script`` says what each connection gets."""

    def __init__(self, *script: bytes | None, close: bool = False) -> None:
        self.script = list(script)  # None: close without answering
        self.close = close  # close after each answer
        self.requests = 0
        self.port = free_port()
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                self.requests += 1
                answer = self.script.pop(0) if self.script else None
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if self.close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> RawServer:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


async def raw_call(server: RawServer, method: str = "GET") -> Any:
    d = Downstream({"talent": f"http://127.0.0.1:{server.port}"}, timeout_s=2.0)
    await d.start()
    try:
        return await d.call("talent", method, "/api/v1/people", body=b"{}" if method == "POST" else None)
    finally:
        await d.stop()


async def test_a_dropped_get_is_tried_once_more() -> None:
    async with RawServer(None, OK) as server:
        reply = await raw_call(server)
        assert (reply.status, reply.body, server.requests) == (200, b"{}", 2)
    async with RawServer(None, None, OK) as server:
        with pytest.raises(Unavailable) as info:
            await raw_call(server)
        assert info.value.reason == "ServerDisconnectedError" and server.requests == 2


async def test_a_dropped_post_is_not_sent_twice() -> None:
    async with RawServer(None, OK) as server:
        with pytest.raises(Unavailable) as info:
            await raw_call(server, "POST")
        assert info.value.reason == "ServerDisconnectedError" and server.requests == 1


async def test_a_body_cut_short_is_a_payload_error() -> None:
    cut = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}"
    async with RawServer(cut, close=True) as server:
        with pytest.raises(Unavailable) as info:
            await raw_call(server)
        assert info.value.reason == "ClientPayloadError" and server.requests == 1


async def test_a_body_that_ends_with_the_connection_and_an_interim_answer() -> None:
    until_close = b'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\netag: "x"\r\nconnection: close\r\n\r\n{"a": 1}'
    async with RawServer(until_close, close=True) as server:
        reply = await raw_call(server)
        assert (reply.status, reply.body, reply.headers) == (200, b'{"a": 1}', {"etag": '"x"'})


async def test_what_is_not_http_is_a_response_error() -> None:
    async with RawServer(b"SSH-2.0-OpenSSH\r\n\r\n") as server:
        with pytest.raises(Unavailable) as info:
            await raw_call(server)
        assert info.value.reason == "ClientResponseError"
