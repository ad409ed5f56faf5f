"""The same event delivered more than once is applied once."""

from __future__ import annotations

import asyncio

from shared.bus.base import Message
from shared.testing import unique
from shared.tests.integration.harness import (
    NoteHandler,
    Stack,
    applied_event_ids,
    applied_seqs,
    fresh_group,
    make_consumer,
    new_aggregate,
    note_envelope,
    record_of,
    running,
    until,
)


async def test_same_cloudevent_published_twice_is_applied_once(stack: Stack) -> None:
    group = await fresh_group(stack)
    agg = new_aggregate("dup")
    first, second = note_envelope(agg, 1), note_envelope(agg, 2)
    # The same bytes (same event id) twice on the topic, then another event after them.
    await stack.bus.publish([record_of(first), record_of(first), record_of(second)])

    handler = NoteHandler()
    consumer = make_consumer(stack, handler, group=group)
    async with running(consumer) as task:
        await until(lambda: consumer.outcomes(second.id), "the event after the duplicate", task=task)

    assert consumer.outcomes(first.id) == ["applied", "duplicate"]
    assert consumer.outcomes(second.id) == ["applied"]
    assert handler.calls[first.id] == 1
    assert await applied_event_ids(stack.engine, agg) == [first.id, second.id]
    assert consumer.stats.duplicates >= 1


async def test_same_message_processed_twice_is_applied_once(stack: Stack) -> None:
    agg = new_aggregate("dup")
    env = note_envelope(agg, 1)
    rec = record_of(env)
    message = Message(rec.topic, 0, 0, rec.key, rec.value, tuple(rec.headers))
    handler = NoteHandler()
    consumer = make_consumer(stack, handler)

    assert await consumer.process(message) == "applied"
    assert await consumer.process(message) == "duplicate"
    # The same event under another offset (a producer retry, a relay resend) is still a duplicate.
    assert await consumer.process(Message(rec.topic, 0, 7, rec.key, rec.value)) == "duplicate"

    assert handler.calls[env.id] == 1
    assert await applied_seqs(stack.engine, agg) == [1]
    assert (consumer.stats.applied, consumer.stats.duplicates) == (1, 2)


async def test_concurrent_deliveries_of_one_event_apply_it_once(stack: Stack) -> None:
    """Two deliveries racing (e.g. during a rebalance): the database decides, one effect remains."""
    agg = new_aggregate("race")
    env = note_envelope(agg, 1)
    rec = record_of(env)
    message = Message(rec.topic, 0, 0, rec.key, rec.value, tuple(rec.headers))
    handler = NoteHandler()
    group = unique("race")
    consumers = [make_consumer(stack, handler, group=group) for _ in range(4)]

    outcomes = await asyncio.gather(*(c.process(message) for c in consumers))

    assert sorted(outcomes) == ["applied", "duplicate", "duplicate", "duplicate"]
    assert handler.calls[env.id] == 1
    assert await applied_seqs(stack.engine, agg) == [1]
