"""A consumer whose service allows it applies a partition's events in batches: one transaction
and one claim statement per batch, the derived work once at the batch's end; a batch that fails
is applied again event by event, so only the event at fault meets the failure rule, and the
partitions of a fetch are applied concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus.base import Message
from shared.bus.kafka import KafkaBus
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork
from shared.tests.integration import kernel
from shared.tests.integration.harness import (
    NoteHandler,
    Stack,
    applied_event_ids,
    fresh_group,
    make_consumer,
    new_aggregate,
    note_envelope,
    partition_of,
    record_of,
    running,
    until,
)


class Scope:
    """A batch scope that counts its batches and, at each one's end, writes one derived row."""

    def __init__(self) -> None:
        self.opened = 0
        self.derived: list[int] = []  # how many events each batch's derived work saw
        self.given: list[int] = []  # how many events each batch was opened with

    def __call__(self, uow: UnitOfWork, events: Sequence[DomainEvent]) -> AbstractAsyncContextManager[None]:
        self.given.append(len(events))
        return self._scope(uow)

    @asynccontextmanager
    async def _scope(self, uow: UnitOfWork) -> AsyncIterator[None]:
        self.opened += 1
        yield
        self.derived.append(self.opened)


def messages_of(envs: list[Envelope], partition: int = 0, first_offset: int = 0) -> list[Message]:
    return [
        Message(kernel.TOPIC, partition, first_offset + n, r.key, r.value, tuple(r.headers))
        for n, r in enumerate(map(record_of, envs))
    ]


async def processed_count(stack: Stack, group: str) -> int:
    p = kernel.processed
    async with stack.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).where(p.c.consumer == group))).scalar_one())


async def test_a_batch_is_one_transaction_claimed_at_once_with_its_derived_work_once(stack: Stack) -> None:
    aggregate = new_aggregate()
    envs = [note_envelope(aggregate, i) for i in range(10)]
    handler, scope = NoteHandler(), Scope()
    consumer = make_consumer(stack, handler, batch_scope=scope)
    messages = messages_of(envs)
    assert await consumer.process(messages[3]) == "applied"  # delivered before: a duplicate now

    done, failed = await consumer.apply_in_order([*messages, messages[5]])  # and one redelivered within

    assert failed is None and done is not None and done.offset == 5
    assert await applied_event_ids(stack.engine, aggregate) == [
        envs[3].id,  # applied first, alone
        *(e.id for e in envs if e is not envs[3]),  # then the batch, in order
    ]
    assert all(handler.calls[e.id] == 1 for e in envs)  # each applied once: no duplicate effect
    assert scope.opened == 1 and scope.derived == [1]  # one batch, its derived work once
    assert scope.given == [9]  # opened with the events it applies: not those already applied
    assert consumer.stats.applied == 10 and consumer.stats.duplicates == 2
    assert await processed_count(stack, consumer.group) == 10


FAILURES = {
    "the event's own fault": lambda: ValueError("refused by a domain rule"),
    "the database away": lambda: asyncpg.CannotConnectNowError("the database system is starting up"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_a_failed_batch_is_applied_event_by_event_to_find_the_one_at_fault(stack: Stack, failure: str) -> None:
    aggregate = new_aggregate()
    envs = [note_envelope(aggregate, i) for i in range(5)]
    handler, scope = NoteHandler(), Scope()
    bad = envs[2]
    handler.faults[bad.id] = lambda _call: FAILURES[failure]()
    consumer = make_consumer(stack, handler, batch_scope=scope, max_retries=0)

    done, failed = await consumer.apply_in_order(messages_of(envs))

    applied = await applied_event_ids(stack.engine, aggregate)
    if failure == "the event's own fault":
        # Dead-lettered alone; the events around it applied, in order, once.
        assert failed is None and done is not None and done.offset == 4
        assert applied == [e.id for e in envs if e is not bad]
        assert consumer.stats.dead_lettered == 1
    else:
        # Retried later: what precedes it committed, nothing after it applied, nothing dead-lettered.
        assert failed is not None and failed[0].offset == 2 and done is not None and done.offset == 1
        assert applied == [envs[0].id, envs[1].id]
        assert consumer.stats.dead_lettered == 0
    assert scope.derived == []  # the failed batch's transaction, derived work included, rolled back
    assert await processed_count(stack, consumer.group) == len(applied)


async def test_partitions_of_a_fetch_are_applied_concurrently(engine: AsyncEngine, bus: KafkaBus) -> None:
    stack = Stack("pg-kafka", engine, bus)
    group = await fresh_group(stack, "concurrent")
    slow, fast = new_aggregate("slow"), new_aggregate("fast")
    while partition_of(stack, fast) == partition_of(stack, slow):
        fast = new_aggregate("fast")
    slow_env, fast_env = note_envelope(slow, 1), note_envelope(fast, 1)
    fast_applied = asyncio.Event()
    notes = NoteHandler()

    async def apply(uow: UnitOfWork, event: DomainEvent, env: Envelope) -> None:
        if env.id == slow_env.id:
            # Waits for the other partition's event: applied one partition after the other, it never comes.
            await asyncio.wait_for(fast_applied.wait(), 20)
        await notes(uow, event, env)
        if env.id == fast_env.id:
            fast_applied.set()

    consumer = make_consumer(stack, notes, group=group)
    consumer.handlers = {kernel.NoteWritten: apply}
    await bus.publish([record_of(slow_env), record_of(fast_env)])
    async with running(consumer) as task:
        await until(lambda: consumer.outcomes(slow_env.id), "the slow partition's event", task=task)
    assert consumer.outcomes(slow_env.id) == ["applied"]  # it did not time out waiting
    assert consumer.stats.held == 0
