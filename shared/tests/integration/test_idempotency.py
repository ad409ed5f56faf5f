"""``idempotent_create`` on PostgreSQL and on SQLite (the embedded mode): authorization before any
stored answer, keys per caller, and a retry that arrives while the original is in flight.

The original is held mid-transaction by an event its ``create`` waits for (a test hook), so the
retry is sent, and seen waiting, while the original's transaction is open."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.auth import Actor, Role
from shared.idempotency import idempotent_create
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.problems import Problem
from shared.testing import wait_for
from shared.tests.integration import kernel
from shared.tests.integration.test_outbox_relay_consumer import count, uow_factory

OPERATOR = Actor("op-1", frozenset({Role.OPERATOR}))
ENTERPRISE_A = Actor("ent-user", frozenset({Role.ENTERPRISE_USER}), enterprise_id=uuid.uuid4())
ENTERPRISE_B = Actor("ent-user", frozenset({Role.ENTERPRISE_USER}), enterprise_id=uuid.uuid4())
BODY = b'{"title": "x"}'


@pytest.fixture(params=["postgresql", "sqlite"])
def db(request: pytest.FixtureRequest) -> AsyncEngine:
    engine: AsyncEngine = request.getfixturevalue("engine" if request.param == "postgresql" else "sqlite_engine")
    return engine


def allowed() -> None:
    return None


class Creates:
    """Creates of notes through the helper, each counted, some held by a test hook."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.uowf: UnitOfWorkFactory = uow_factory(engine)
        self.runs = 0

    def send(
        self,
        actor: Actor = OPERATOR,
        *,
        key: str | None = "k-1",
        body: bytes = BODY,
        authorize: Callable[[], None] = allowed,
        hold: asyncio.Event | None = None,
        started: asyncio.Event | None = None,
        fail: bool = False,
    ) -> Awaitable[tuple[int, dict[str, Any], bool]]:
        async def create(uow: UnitOfWork) -> dict[str, Any]:
            self.runs += 1
            note_id = uuid.uuid4()
            await uow.conn.execute(sa.insert(kernel.notes).values(id=note_id, aggregate_id="agg", seq=self.runs))
            if started is not None:
                started.set()
            if hold is not None:
                await hold.wait()
            if fail:
                raise Problem(503, "unavailable", "the original failed")
            return {"id": str(note_id), "run": self.runs}

        return idempotent_create(
            self.uowf,
            kernel.idempotency_keys,
            actor=actor,
            operation="notes",
            authorize=authorize,
            key=key,
            body=body,
            create=create,
        )


@contextmanager
def reservations(engine: AsyncEngine) -> Iterator[set[int]]:
    """The connections that sent a key reservation to the database (before the database answers it):
    on PostgreSQL the key's lock, on SQLite the write lock every transaction takes first."""
    sent: set[int] = set()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "pg_advisory_xact_lock" in statement or statement == "BEGIN IMMEDIATE":
            sent.add(id(conn))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def lock_waits(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        q = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        return int((await conn.execute(sa.text(q))).scalar_one())


async def retry_sent_while_held(c: Creates, *, original_fails: bool) -> tuple[Any, Any]:
    hold, started = asyncio.Event(), asyncio.Event()
    with reservations(c.engine) as sent:
        original = asyncio.ensure_future(c.send(hold=hold, started=started, fail=original_fails))
        await asyncio.wait_for(started.wait(), 10)  # the original is mid-transaction, key reserved
        retry = asyncio.ensure_future(c.send())

        async def retry_reserving() -> bool:
            return len(sent) >= 2

        await wait_for(retry_reserving, what="the retry reserving the key")
        if c.engine.dialect.name == "postgresql":
            await wait_for(lambda: lock_waits(c.engine), what="the retry waiting for the original's lock")
        assert not retry.done()
        hold.set()
        answers: list[Any] = await asyncio.gather(original, retry, return_exceptions=True)
    return answers[0], answers[1]


async def test_a_retry_sent_while_the_original_is_in_flight_waits_and_gets_its_answer(db: AsyncEngine) -> None:
    c = Creates(db)
    first, second = await retry_sent_while_held(c, original_fails=False)
    assert first[0] == 201 and first[2] is False
    assert second == (201, first[1], True)  # the original's answer, replayed
    assert c.runs == 1 and await count(db, kernel.notes) == 1


async def test_when_the_original_fails_the_retry_does_the_work(db: AsyncEngine) -> None:
    c = Creates(db)
    first, second = await retry_sent_while_held(c, original_fails=True)
    assert isinstance(first, Problem) and first.status == 503
    assert second[0] == 201 and second[2] is False and second[1]["run"] == 2
    assert await count(db, kernel.notes) == 1  # the original's note rolled back with it
    assert await count(db, kernel.idempotency_keys) == 1


async def test_a_stored_answer_is_for_its_caller_only_and_after_authorization(db: AsyncEngine) -> None:
    c = Creates(db)
    status, body, replayed = await c.send(ENTERPRISE_A)
    assert (status, replayed) == (201, False)
    assert await c.send(ENTERPRISE_A) == (201, body, True)
    # Same subject, same key and body, bound to another enterprise: a key of its own, a create of its own.
    status, other, replayed = await c.send(ENTERPRISE_B)
    assert (status, replayed) == (201, False) and other["id"] != body["id"]

    def refuse() -> None:
        raise Problem(403, "forbidden", "not any more")

    with pytest.raises(Problem) as info:
        await c.send(ENTERPRISE_A, authorize=refuse)  # the check runs before the stored answer is read
    assert info.value.status == 403
    assert c.runs == 2


async def test_another_body_with_the_same_key_is_a_422_and_no_key_stores_nothing(db: AsyncEngine) -> None:
    c = Creates(db)
    await c.send()
    with pytest.raises(Problem) as info:
        await c.send(body=b'{"title": "y"}')
    assert info.value.status == 422 and info.value.slug == "idempotency-key-reused"
    await c.send(key=None)
    await c.send(key=None)
    assert c.runs == 3 and await count(db, kernel.idempotency_keys) == 1
