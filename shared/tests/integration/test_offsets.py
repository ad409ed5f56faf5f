"""Offsets are committed only after the database commit: infrastructure trouble never loses
a message and never dead-letters it; a crash before the offset commit means a redelivery,
which the processed-messages table turns into a no-op."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError
from sqlalchemy.exc import OperationalError

from shared.bus.base import Message
from shared.bus.kafka import KafkaBus
from shared.events.topics import dlq
from shared.testing import unique
from shared.tests.integration import kernel
from shared.tests.integration.harness import (
    TIMEOUT_S,
    NoteHandler,
    SpyBus,
    Stack,
    applied_event_ids,
    fresh_group,
    make_consumer,
    new_aggregate,
    note_envelope,
    record_of,
    running,
    until,
)


def _database_down() -> OperationalError:
    return OperationalError("INSERT INTO applied", {}, ConnectionRefusedError("database unreachable"))


@pytest.mark.parametrize("error", ["OperationalError", "ConnectionError"])
async def test_infrastructure_error_is_neither_dead_lettered_nor_lost(stack: Stack, error: str) -> None:
    group = await fresh_group(stack)
    agg = new_aggregate("infra")
    env, after = note_envelope(agg, 1), note_envelope(agg, 2)
    handler = NoteHandler()
    exc = _database_down() if error == "OperationalError" else ConnectionResetError("connection reset by peer")
    handler.faults[env.id] = lambda call: exc if call == 1 else None
    await stack.bus.publish([record_of(env), record_of(after)])

    consumer = make_consumer(stack, handler, group=group, max_retries=0)  # a business error would go to the DLQ at once
    async with running(consumer) as task:
        await until(lambda: consumer.outcomes(after.id), "the message after the failing one", task=task)

    failure = "raised OperationalError" if error == "OperationalError" else "raised ConnectionResetError"
    assert consumer.outcomes(env.id) == [failure, "applied"]
    assert consumer.outcomes(after.id) == ["applied"]
    assert "dead-lettered" not in consumer.outcomes_by_key(agg)
    assert handler.calls[env.id] == 2
    assert await applied_event_ids(stack.engine, agg) == [env.id, after.id]


async def test_offset_stays_uncommitted_while_the_database_is_down(stack: Stack) -> None:
    """The member that could not write stops; the next member of the group gets the message."""
    group = await fresh_group(stack, "down")
    agg = new_aggregate("down")
    env, after = note_envelope(agg, 1), note_envelope(agg, 2)
    down = NoteHandler()
    down.faults[env.id] = lambda call: _database_down()
    await stack.bus.publish([record_of(env), record_of(after)])

    first = make_consumer(stack, down, group=group)
    async with running(first) as task:
        await until(lambda: first.outcomes(env.id), "the first attempt", task=task)
    assert set(first.outcomes(env.id)) == {"raised OperationalError"}
    assert not first.outcomes(after.id)  # it did not skip ahead either
    assert await applied_event_ids(stack.engine, agg) == []

    handler = NoteHandler()
    second = make_consumer(stack, handler, group=group)
    async with running(second) as task:
        await until(lambda: second.outcomes(after.id), "the messages, on the next member", task=task)
    assert second.outcomes(env.id) == ["applied"]
    assert await applied_event_ids(stack.engine, agg) == [env.id, after.id]


class ProcessKilled(BaseException):
    """Stands for the process dying (not an Exception: nothing in the consumer may catch it)."""


async def test_crash_between_database_commit_and_offset_commit_redelivers_and_skips(stack: Stack) -> None:
    group = await fresh_group(stack, "killed")
    agg = new_aggregate("killed")
    env, after = note_envelope(agg, 1), note_envelope(agg, 2)
    await stack.bus.publish([record_of(env), record_of(after)])

    def die_on_commit(message: Message) -> None:
        # The consumer commits offsets once per batch, after the database commits of its
        # messages: die at that moment, whichever message's offset it is committing.
        raise ProcessKilled

    handler = NoteHandler()
    doomed = make_consumer(stack, handler, group=group, bus=SpyBus(stack.bus, before_commit=die_on_commit))
    task = asyncio.create_task(doomed.run())
    with pytest.raises(ProcessKilled):
        await asyncio.wait_for(task, TIMEOUT_S)
    # The effects are committed; the offsets are not.
    applied_before = doomed.outcomes(env.id) + doomed.outcomes(after.id)
    assert applied_before[0] == "applied"
    assert (await applied_event_ids(stack.engine, agg))[0] == env.id

    successor = make_consumer(stack, handler, group=group)
    async with running(successor) as task:
        await until(lambda: successor.outcomes(after.id), "the messages, on the next member", task=task)
    assert successor.outcomes(env.id) == ["duplicate"]
    assert handler.calls[env.id] == 1 and handler.calls[after.id] == 1
    assert await applied_event_ids(stack.engine, agg) == [env.id, after.id]


async def test_failed_offset_commit_does_not_stop_the_consumer(stack: Stack) -> None:
    """A commit can fail (Kafka refuses it while the group rebalances): the consumer must
    carry on, re-reading from the uncommitted message, which is then a duplicate."""
    group = await fresh_group(stack)
    agg = new_aggregate("commit")
    env, after = note_envelope(agg, 1), note_envelope(agg, 2)
    await stack.bus.publish([record_of(env), record_of(after)])
    refused: list[Message] = []

    def refuse_first_commit(message: Message) -> None:
        if not refused:  # offsets are committed once per batch: refuse that first commit
            refused.append(message)
            raise CommitFailedError("the group has already rebalanced")

    handler = NoteHandler()
    consumer = make_consumer(stack, handler, group=group, bus=SpyBus(stack.bus, before_commit=refuse_first_commit))
    async with running(consumer) as task:
        await until(
            lambda: consumer.outcomes(after.id)[1:] or consumer.outcomes(env.id)[1:],
            "the batch to be re-read after the refused commit",
            task=task,
        )
        await until(lambda: consumer.outcomes(after.id), "the message after the refused commit", task=task)

    assert refused
    assert consumer.outcomes(env.id) == ["applied", "duplicate"]
    assert consumer.outcomes(after.id)[0] == "applied"
    assert handler.calls[env.id] == 1 and handler.calls[after.id] == 1
    assert await applied_event_ids(stack.engine, agg) == [env.id, after.id]


async def test_kafka_rewind_of_a_partition_no_longer_owned_is_harmless(bus: KafkaBus) -> None:
    """After a rebalance the consumer may rewind a partition another member now owns; that
    member resumes from the committed offset, so there is nothing to do, and nothing to crash."""
    sub = bus.subscriber(unique("rewind"), [kernel.TOPIC])
    await sub.start()
    try:
        await until(lambda: sub._consumer.assignment(), "the partitions to be assigned")
        owned = sub._consumer.assignment()
        gone = Message(dlq(kernel.TOPIC), 0, 0, None, None)  # a partition this member does not own
        assert TopicPartition(gone.topic, gone.partition) not in owned
        await sub.rewind(gone)
        # A partition it does own is rewound for real.
        tp = next(iter(owned))
        await sub.rewind(Message(tp.topic, tp.partition, 0, None, None))
        assert await sub._consumer.position(tp) == 0
    finally:
        await sub.stop()
