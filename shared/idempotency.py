"""``Idempotency-Key`` for creates: a retried POST returns the first answer.

Every create that takes the header goes through :func:`idempotent_create`, which

- authorizes first: the route's permission check runs before anything stored is looked up;
- scopes the key to the operation and to the caller (subject, roles and the enterprise, carrier
  or person the token is bound to): another caller's key is simply a new key for this caller,
  who gets what it would get without one (403, 404, 409, 422 ...), never the stored answer;
- reserves the key before the work: the create's transaction first takes a lock on
  (scope, key) (a transaction-scoped advisory lock on PostgreSQL, the database's write lock on
  SQLite), then looks the key up. A retry that arrives while the original is in flight waits
  for it and answers with the original's response; if the original rolled back, the retry
  does the work;
- stores the key, a hash of the body and the response with the created resource, in the
  same transaction (one of the unit of work's deferred inserts, so no extra round trip).

The same key with a different body is a 422: the client reused a key by mistake. A create
without a key costs nothing more than the create.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
import sqlalchemy as sa
from fastapi import Header
from sqlalchemy.ext.asyncio import AsyncConnection

from shared import locks
from shared.auth import Actor
from shared.db import UTCDateTime
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pagination import etag
from shared.problems import Problem
from shared.responses import JSON, dumps

MAX_KEY_LENGTH = 200
MAX_SCOPE_LENGTH = 100
_CALLER_DIGEST = 32  # hex characters of the caller's identity in the scope


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("scope", sa.String(MAX_SCOPE_LENGTH), primary_key=True),
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


# The header every create route takes; its schema says what check_key accepts (1-200 characters,
# not only spaces), so a client or a generated test knows before it sends.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Makes a retried create safe",
        json_schema_extra={"minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"\S"},
    ),
]


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Problem(400, "bad-idempotency-key", f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters")
    return key


def key_scope(operation: str, actor: Actor) -> str:
    """Where a key lives: the operation (with its path parameters) and who is calling.

    The caller is its subject and everything that binds the token to a tenant, so the same
    subject acting for another enterprise or carrier, or with other roles, has other keys."""
    identity = "\x1f".join(
        (
            actor.subject,
            ",".join(sorted(actor.roles)),
            str(actor.enterprise_id or ""),
            str(actor.carrier_id or ""),
            str(actor.person_id or ""),
        )
    )
    scope = f"{operation}/{hashlib.sha256(identity.encode()).hexdigest()[:_CALLER_DIGEST]}"
    if len(scope) > MAX_SCOPE_LENGTH:
        raise ValueError(f"operation {operation!r} is too long for an idempotency scope")
    return scope


async def reserve(conn: AsyncConnection, *, scope: str, key: str) -> None:
    """Lock (scope, key) until the transaction ends: a concurrent request with this key waits here.

    PostgreSQL: a transaction-scoped advisory lock. SQLite has one writer at a time and every
    transaction takes the write lock when it begins (``shared.db``): it is held already."""
    if conn.dialect.name == "postgresql":
        await locks.hold(conn, scope, key)


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


async def idempotent_create(
    uow_factory: UnitOfWorkFactory,
    table: sa.Table,
    *,
    actor: Actor,
    operation: str,
    authorize: Callable[[], None],
    key: str | None,
    body: bytes,
    create: Callable[[UnitOfWork], Awaitable[dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Authorize, then run ``create`` in one unit of work, once per caller and key; returns
    (status, body, replayed).

    ``authorize`` is the route's permission check (it raises a Problem); it runs before the key
    is even read. ``operation`` names the create and its path parameters (``"payments:<id>"``).
    Checks that need the database stay in ``create``: the key being the caller's own, a replay
    only ever gives a caller what it was answered before.
    """
    authorize()
    if key is None:
        async with uow_factory() as uow:
            result = await create(uow)
        return 201, result, False
    key = check_key(key)
    scope = key_scope(operation, actor)
    h = request_hash(body)
    async with uow_factory() as uow:
        await reserve(uow.conn, scope=scope, key=key)
        stored = await lookup(uow.conn, table, scope=scope, key=key, body_hash=h)
        if stored is not None:
            return stored.status_code, orjson.loads(stored.body), True
        result = await create(uow)
        uow.add(
            table,
            {
                "scope": scope,
                "key": key,
                "request_hash": h,
                "status_code": 201,
                "response_body": dumps(result).decode(),
                "created_at": datetime.now(UTC),
            },
        )
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
