"""A stand-in for the services: a real HTTP server (uvicorn, httptools) on 127.0.0.1 that
records every request it gets (and the connections they came on) and answers by path, so tests
can check what the gateway sends and answers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn

from shared.testing import free_port, wait_for

# Demand ids (UUIDs, as the gateway requires of a composed view) that tell the stub how to answer.
KINDS = ("d", "nosugg", "hidden", "broken", "slow", "empty", "gone")
ID = {kind: f"00000000-0000-4000-8000-{i + 1:012d}" for i, kind in enumerate(KINDS)}
KIND_OF = {v: k for k, v in ID.items()}
D1 = ID["d"]

DEMAND = {
    "id": D1,
    "title": "车用固态锂电池电解质开发",
    "status": "published",
    "budget": "2500000.00",
    "fields": ["energy.batteries"],
    "score": 0.6192,
}
CARRIERS = [
    {"carrier_id": "c-1", "name": "先进储能技术研究所", "rank": 1, "score": 0.6192, "components": {"text": 0.4699}},
    {"carrier_id": "c-2", "name": "Power Electronics Lab", "rank": 2, "score": 0.5, "components": {"text": 0.1}},
]
CONTRACTS = [{"id": "k-1", "demand_id": D1, "value": "2500000.00"}, {"id": "k-2", "demand_id": D1}]
PEOPLE = [{"id": "a-1", "role": "lead_carrier"}, {"id": "a-2", "role": "project_manager"}]


@dataclass
class Seen:
    method: str
    target: bytes  # raw path and query, as sent
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k == name), None)


@dataclass
class Stub:
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    connections: set[Any] = field(default_factory=set)  # the client addresses requests came from
    delay_s: float = 4.0  # how long the "slow" answers take: well past every deadline the tests set

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        qs = scope["query_string"]
        target = scope["raw_path"] + (b"?" + qs if qs else b"")
        self.connections.add(scope["client"])
        self.seen.append(Seen(scope["method"], target, list(scope["headers"]), b"".join(chunks)))
        status, headers, body, more = await self.answer(scope["method"], scope["path"], qs.decode())
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if more:  # a chunked body
            for part in more:
                await send({"type": "http.response.body", "body": part, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            await send({"type": "http.response.body", "body": body})

    async def answer(self, method: str, path: str, query: str) -> tuple[int, list[Any], bytes, list[bytes]]:
        json = [(b"content-type", b"application/json")]

        def reply(status: int, doc: Any, extra: list[Any] | None = None) -> tuple[int, list[Any], bytes, list[bytes]]:
            body = orjson.dumps(doc)
            return status, [*json, (b"content-length", str(len(body)).encode()), *(extra or [])], body, []

        parts = [KIND_OF.get(p, p) for p in path.split("/")]
        if path.endswith("/slow") or (path.endswith("/suggestions") and parts[4] == "slow"):
            await asyncio.sleep(self.delay_s)
        if "/status/" in path:
            code = int(path.rsplit("/status/", 1)[1].split("/")[0])
            if code in (204, 304):
                return code, [(b"etag", b'"s"')], b"", []
            return reply(code, {"type": "/problems/x", "status": code}, [(b"retry-after", b"7")])
        if path.endswith("/redirect"):
            return 307, [(b"location", b"/api/v1/people/landed"), (b"content-length", b"0")], b"", []
        if path.endswith("/chunked"):
            return 200, [*json, (b"etag", b'"c"')], b"", [b'{"a":', b"1", b"}"]
        if path.endswith("/close"):
            return 200, [*json, (b"content-length", b"2"), (b"connection", b"close")], b"{}", []
        if len(parts) == 5 and parts[3] == "demands" and method == "GET":
            if parts[4].startswith("gone"):
                return reply(404, {"type": "/problems/not-found"}, [(b"content-type", b"application/problem+json")])
            return reply(200, {**DEMAND, "id": path.split("/")[4]}, [(b"etag", b'"v3"')])
        if len(parts) == 6 and parts[5] == "suggestions":
            if "nosugg" in parts[4]:
                return reply(404, {"type": "/problems/not-found"})
            if "hidden" in parts[4]:
                return reply(403, {"type": "/problems/forbidden"})
            if "broken" in parts[4]:
                return reply(500, {"type": "/problems/internal-error"})
            return reply(
                200, {"demand_id": path.split("/")[4], "suggestion_set_id": "s-1", "carriers": CARRIERS, "experts": []}
            )
        if path == "/api/v1/contracts":
            return reply(200, {"items": [] if ID["empty"] in query else CONTRACTS, "next_cursor": None})
        if path == "/api/v1/assignments":
            return reply(200, {"items": PEOPLE, "next_cursor": None})
        # Anything else: an echo, with headers the gateway must not pass on (hop-by-hop or internal).
        return reply(
            201 if method == "POST" else 200,
            {"method": method, "path": path, "query": query},
            [
                (b"etag", b'"e1"'),
                (b"location", b"/api/v1/things/1"),
                (b"cache-control", b"no-store"),
                (b"x-internal", b"secret"),
                (b"set-cookie", b"a=b"),
                (b"keep-alive", b"timeout=5"),
                (b"etag", b'"second"'),
            ],
        )


@contextlib.asynccontextmanager
async def serving(stub: Stub, port: int | None = None) -> AsyncIterator[Stub]:
    stub.port = port or free_port()
    config = uvicorn.Config(
        stub.app,
        host="127.0.0.1",
        port=stub.port,
        log_level="warning",
        lifespan="off",
        http="httptools",
        loop="none",
        interface="asgi3",
    )
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    try:
        await wait_for(started, timeout_s=10, what="the stub server")
        yield stub
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
