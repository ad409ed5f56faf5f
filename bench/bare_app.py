"""The bare baseline of create-demand: raw ASGI, asyncpg, one statement; no framework, no validation.

``POST /api/v1/demands`` parses the JSON body and, in one ``WITH ... INSERT`` statement, inserts
the same demand row the demand service writes and one outbox row carrying a CloudEvent like its
``DemandSubmitted``; it answers 201 with the demand as JSON. It runs on the demand service's own
schema (a clone of its migrated database) in a single uvicorn worker with uvloop and httptools,
the way ``itp serve`` runs a service. It is what the real path is measured against, nothing more:
it checks nothing, so it is not a template for an endpoint.

    python -m bench.bare_app --port 8123 --database-url postgresql+asyncpg://.../db
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.types import Message, Receive, Scope, Send

from shared.events import topics
from shared.events.demand import DemandSubmitted

CE_TYPE = DemandSubmitted.ce_type()

INSERT_DEMAND_WITH_EVENT = """
WITH d AS (
    INSERT INTO demands (
        id, enterprise_id, center_id, title, description, fields, keywords, demand_type, expected_outcome,
        trl_current, trl_target, budget, deadline, province, city, contact, confidentiality, status,
        status_reason, version, created_at, updated_at
    )
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17,
            'submitted', NULL, 1, $18, $18)
    RETURNING id
)
INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, topic, payload, traceparent, created_at)
SELECT $19, 'demand', d.id::text, $20, $21, $22, NULL, $18 FROM d
"""


def _json(status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> tuple[Message, Message]:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(extra or [])]
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )


class BareDemandApp:
    def __init__(self, dsn: str, pool_size: int) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["method"] == "POST" and scope["path"] == "/api/v1/demands":
            body = b""
            more = True
            while more:
                msg = await receive()
                body += msg.get("body", b"")
                more = msg.get("more_body", False)
            messages = await self.create_demand(body)
        elif scope["path"] == "/healthz":
            messages = _json(200, b'{"status":"ok"}')
        else:
            messages = _json(404, b'{"detail":"not found"}')
        for m in messages:
            await send(m)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                # The demand service's engine: pool_size connections plus as many overflow, JIT off.
                self.pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=self.pool_size,
                    max_size=2 * self.pool_size,
                    server_settings={"jit": "off", "application_name": "itp-bench-bare"},
                )
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def create_demand(self, raw: bytes) -> tuple[Message, Message]:
        assert self.pool is not None
        b: dict[str, Any] = orjson.loads(raw)
        now = datetime.now(UTC)
        demand_id = uuid.uuid4()
        contact = b["contact"]
        demand = {
            "id": str(demand_id),
            "enterprise_id": b["enterprise_id"],
            "center_id": b.get("center_id"),
            "title": b["title"],
            "description": b["description"],
            "fields": b["fields"],
            "keywords": b.get("keywords", []),
            "demand_type": b["demand_type"],
            "expected_outcome": b["expected_outcome"],
            "trl_current": b.get("trl_current"),
            "trl_target": b.get("trl_target"),
            "budget": b.get("budget"),
            "deadline": b.get("deadline"),
            "province": b.get("province"),
            "city": b.get("city"),
            "contact": contact,
            "confidentiality": b.get("confidentiality", "public"),
            "status": "submitted",
            "version": 1,
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
        }
        event_id = str(uuid.uuid4())
        event = orjson.dumps(
            {
                "specversion": "1.0",
                "id": event_id,
                "source": "/itp/demand",
                "type": CE_TYPE,
                "subject": str(demand_id),
                "time": now.isoformat().replace("+00:00", "Z"),
                "datacontenttype": "application/json",
                "data": {**demand, "demand_id": str(demand_id), "currency": "CNY", "submitted_at": now.isoformat()},
            }
        ).decode()
        center = b.get("center_id")
        await self.pool.execute(
            INSERT_DEMAND_WITH_EVENT,
            demand_id,
            uuid.UUID(b["enterprise_id"]),
            uuid.UUID(center) if center else None,
            b["title"],
            b["description"],
            orjson.dumps(b["fields"]).decode(),
            orjson.dumps(b.get("keywords", [])).decode(),
            b["demand_type"],
            b["expected_outcome"],
            b.get("trl_current"),
            b.get("trl_target"),
            Decimal(b["budget"]) if b.get("budget") is not None else None,
            datetime.fromisoformat(b["deadline"]) if b.get("deadline") else None,
            b.get("province"),
            b.get("city"),
            orjson.dumps(contact).decode(),
            demand["confidentiality"],
            now,
            event_id,
            CE_TYPE,
            topics.DEMAND,
            event,
        )
        return _json(201, orjson.dumps(demand), [(b"location", f"/api/v1/demands/{demand_id}".encode())])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--database-url", required=True, help="a clone of the demand service's migrated database")
    p.add_argument("--pool-size", type=int, default=10)
    args = p.parse_args(argv)
    dsn = args.database_url.replace("postgresql+asyncpg://", "postgresql://")
    uvicorn.run(
        BareDemandApp(dsn, args.pool_size),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
