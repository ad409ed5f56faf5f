"""``Idempotency-Key`` for creates: a retried POST returns the first result.

The key, a hash of the request body and the response are stored in the same
transaction as the created resource, so a crash cannot leave one without the other.
The same key with a different body is a 422: the client reused a key by mistake.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db import UTCDateTime
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pagination import etag
from shared.problems import Problem
from shared.responses import JSON, dumps

MAX_KEY_LENGTH = 200


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("scope", sa.String(100), primary_key=True),
        sa.Column("key", sa.String(MAX_KEY_LENGTH), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: str


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Problem(400, "bad-idempotency-key", f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters")
    return key


async def lookup(
    conn: AsyncConnection, table: sa.Table, *, scope: str, key: str, body_hash: str
) -> StoredResponse | None:
    """The stored response for this key, None if new; 422 if the key was used for another body."""
    row = (
        await conn.execute(
            sa.select(table.c.request_hash, table.c.status_code, table.c.response_body).where(
                table.c.scope == scope, table.c.key == key
            )
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise Problem(
            422,
            "idempotency-key-reused",
            "this Idempotency-Key was already used with a different request body",
        )
    return StoredResponse(row.status_code, row.response_body)


async def remember(
    conn: AsyncConnection, table: sa.Table, *, scope: str, key: str, body_hash: str, status_code: int, body: str
) -> None:
    await conn.execute(
        sa.insert(table).values(
            scope=scope,
            key=key,
            request_hash=body_hash,
            status_code=status_code,
            response_body=body,
            created_at=datetime.now(UTC),
        )
    )


async def idempotent_create(
    uow_factory: UnitOfWorkFactory,
    table: sa.Table,
    *,
    scope: str,
    key: str | None,
    body: bytes,
    create: Callable[[UnitOfWork], Awaitable[dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Run ``create`` in one unit of work, once per key; returns (status, body, replayed).

    Two concurrent first requests with one key: the loser's insert of the key fails
    on the primary key, its transaction (and its resource) rolls back, and it answers
    with the winner's stored response.
    """
    h = request_hash(body)
    if key is not None:
        key = check_key(key)
    try:
        async with uow_factory() as uow:
            if key is not None:
                stored = await lookup(uow.conn, table, scope=scope, key=key, body_hash=h)
                if stored is not None:
                    return stored.status_code, orjson.loads(stored.body), True
            result = await create(uow)
            if key is not None:
                await remember(
                    uow.conn, table, scope=scope, key=key, body_hash=h, status_code=201, body=dumps(result).decode()
                )
    except IntegrityError:
        if key is None:
            raise
        async with uow_factory.engine.connect() as conn:
            stored = await lookup(conn, table, scope=scope, key=key, body_hash=h)
        if stored is None:
            raise
        return stored.status_code, orjson.loads(stored.body), True
    return 201, result, False


def created_response(status: int, body: dict[str, Any], location: str, replayed: bool) -> JSON:
    """The answer to a create: ``Location``, the ``ETag`` of a versioned resource, and
    ``Idempotent-Replayed: true`` when this is the stored answer to a retried request."""
    headers = {"Location": location}
    if "version" in body:
        headers["ETag"] = etag(int(body["version"]))
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSON(body, status_code=status, headers=headers)
