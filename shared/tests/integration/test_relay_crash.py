"""A relay that dies after the broker acknowledged but before it marked the rows published."""

from __future__ import annotations

import uuid

import pytest

from shared.relay import OutboxRelay
from shared.tests.integration import kernel
from shared.tests.integration.harness import (
    NoteHandler,
    Stack,
    applied_event_ids,
    fresh_group,
    make_consumer,
    new_aggregate,
    outbox_rows,
    running,
    until,
    uow_factory,
    write_note,
)


class RelayKilled(Exception):
    """Stands for the process dying: nothing after the broker's acknowledgement runs."""


class RelayKilledBeforeMarking(OutboxRelay):
    async def _mark_published(self, seqs: list[int]) -> None:
        raise RelayKilled(f"killed before marking {seqs}")


async def test_a_relay_killed_between_publish_and_mark_is_followed_by_one_that_marks_without_resending(
    stack: Stack,
) -> None:
    group = await fresh_group(stack)
    uowf = uow_factory(stack.engine)
    agg = new_aggregate("crash")
    for seq in (1, 2, 3):
        await write_note(uowf, agg, seq)
    rows = await outbox_rows(stack.engine, agg)
    event_ids = [r.event_id for r in rows]
    assert len(event_ids) == 3

    service = f"kernel-{uuid.uuid4()}"
    doomed = RelayKilledBeforeMarking(stack.engine, kernel.outbox, stack.bus, service=service)
    with pytest.raises(RelayKilled):
        await doomed.publish_pending()
    await doomed.release_lead()
    # The broker has the events, but the outbox does not know it.
    assert [r.published_at for r in await outbox_rows(stack.engine, agg)] == [None, None, None]

    restarted = OutboxRelay(stack.engine, kernel.outbox, stack.bus, service=service)
    try:
        assert await restarted.try_lead()
        assert await restarted.publish_pending() == 3  # found on the broker and marked
        assert all(r.published_at is not None for r in await outbox_rows(stack.engine, agg))
        await write_note(uowf, agg, 4)  # a later event of the same aggregate: after any copy, in order
        assert await restarted.publish_pending() == 1
    finally:
        await restarted.release_lead()
    last = (await outbox_rows(stack.engine, agg))[-1].event_id

    handler = NoteHandler()
    consumer = make_consumer(stack, handler, group=group)
    async with running(consumer) as task:
        await until(lambda: bool(consumer.outcomes(last)), "the later event", task=task)
    for e in event_ids:
        assert consumer.outcomes(e) == ["applied"], e  # once on the topic
        assert handler.calls[e] == 1, e
    assert await applied_event_ids(stack.engine, agg) == [*event_ids, last]


class DatabaseGoneBeforeMarking(OutboxRelay):
    """The broker acknowledged the batch, then the database went away (a restart) before the
    rows were marked; the process lives on."""

    failures = 1

    async def _mark_published(self, seqs: list[int]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the database went away")
        await super()._mark_published(seqs)


async def test_a_batch_acknowledged_before_the_database_went_away_is_marked_not_sent_again(stack: Stack) -> None:
    group = await fresh_group(stack)
    uowf = uow_factory(stack.engine)
    agg = new_aggregate("db-gone")
    for seq in (1, 2, 3):
        await write_note(uowf, agg, seq)
    event_ids = [r.event_id for r in await outbox_rows(stack.engine, agg)]

    relay = DatabaseGoneBeforeMarking(stack.engine, kernel.outbox, stack.bus, service=f"kernel-{uuid.uuid4()}")
    try:
        with pytest.raises(ConnectionError):
            await relay.publish_pending()
        # The database is back: the same relay marks what the broker has, and sends nothing again.
        assert await relay.publish_pending() == 0
        assert all(r.published_at is not None for r in await outbox_rows(stack.engine, agg))
        await write_note(uowf, agg, 4)  # a later event of the same aggregate: after any copy, in order
        assert await relay.publish_pending() == 1
    finally:
        await relay.release_lead()
    last = (await outbox_rows(stack.engine, agg))[-1].event_id

    handler = NoteHandler()
    consumer = make_consumer(stack, handler, group=group)
    async with running(consumer) as task:
        await until(lambda: bool(consumer.outcomes(last)), "the later event", task=task)
    for e in event_ids:
        assert consumer.outcomes(e) == ["applied"], e  # once on the topic: no copy to skip
