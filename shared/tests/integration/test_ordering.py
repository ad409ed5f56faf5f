"""One aggregate's events reach the consumer in the order they were written."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from shared.events.envelope import Envelope
from shared.outbox import OutboxSignal
from shared.relay import OutboxRelay
from shared.tests.integration import kernel
from shared.tests.integration.harness import (
    TIMEOUT_S,
    NoteHandler,
    SpyBus,
    Stack,
    applied_seqs,
    event_id_of,
    fresh_group,
    make_consumer,
    new_aggregate,
    partition_of,
    running,
    until,
    uow_factory,
    write_note,
)

N = 100


async def _write_interleaved(stack: Stack, signal: OutboxSignal, main: str, others: list[str]) -> dict[str, int]:
    """N events of ``main``, one transaction each, with the other aggregates' events in between."""
    uowf = uow_factory(stack.engine, signal)
    written = dict.fromkeys([main, *others], 0)
    for i in range(1, N + 1):
        written[main] += 1
        await write_note(uowf, main, written[main])
        other = others[i % len(others)]
        if i % 2:
            written[other] += 1
            await write_note(uowf, other, written[other])
    return written


async def _unpublished(stack: Stack) -> int:
    o = kernel.outbox
    async with stack.engine.connect() as conn:
        q = sa.select(sa.func.count()).select_from(o).where(o.c.published_at.is_(None))
        return int((await conn.execute(q)).scalar_one())


async def test_events_of_one_aggregate_are_applied_in_order(stack: Stack) -> None:
    main = new_aggregate("ordered")
    others = [new_aggregate("other") for _ in range(3)]
    group = await fresh_group(stack)
    signal = OutboxSignal()
    # On PostgreSQL the relay's statements go through the driver pool, as in a service.
    pools = uow_factory(stack.engine, signal)
    await pools.start(max_size=2)
    # Small batches, so the relay publishes while the writes are still going on.
    relay = OutboxRelay(
        stack.engine,
        kernel.outbox,
        stack.bus,
        service=f"kernel-{uuid.uuid4()}",
        signal=signal,
        batch_size=7,
        driver_pool=lambda: pools.driver_pool,
    )
    relay_task = asyncio.create_task(relay.run())
    handler = NoteHandler()
    consumer = make_consumer(stack, handler, group=group)
    try:
        async with running(consumer) as task:
            written = await _write_interleaved(stack, signal, main, others)

            async def all_applied() -> bool:
                return all([len(await applied_seqs(stack.engine, a)) >= n for a, n in written.items()])

            await until(all_applied, f"{sum(written.values())} events applied", task=task)
    finally:
        relay.stop()
        await asyncio.wait_for(relay_task, TIMEOUT_S)
        await pools.close()

    assert await _unpublished(stack) == 0
    assert relay.published_total == sum(written.values())
    assert await applied_seqs(stack.engine, main) == list(range(1, N + 1))
    for other in others:
        assert await applied_seqs(stack.engine, other) == list(range(1, written[other] + 1)), other


async def test_order_survives_an_infrastructure_failure_in_the_middle_of_a_batch(stack: Stack) -> None:
    """The consumer rewinds every partition of the batch: nothing skipped, nothing reordered."""
    main = new_aggregate("ordered")
    others = [new_aggregate("other") for _ in range(5)]
    while len({partition_of(stack, a) for a in [main, *others]}) < 3:  # spread over every partition
        others = [new_aggregate("other") for _ in range(5)]
    # Only this test's events in the consumer's batches, so the batches span the partitions.
    group = await fresh_group(stack, "mid-batch")
    written = await _write_interleaved(stack, OutboxSignal(), main, others)
    relay = OutboxRelay(stack.engine, kernel.outbox, stack.bus, service=f"kernel-{uuid.uuid4()}")
    while await relay.publish_pending():
        pass

    # Fail once, on one of our events that has events of ours from other partitions after it
    # in the same batch: those were fetched but not processed, and must not be skipped.
    spy = SpyBus(stack.bus)
    ours = {a.encode() for a in written}
    failed: list[str] = []

    def fail_mid_batch(env: Envelope) -> BaseException | None:
        if failed:
            return None
        batch = spy.last_batch
        pos = next(i for i, m in enumerate(batch) if event_id_of(m) == env.id)
        here = batch[pos].partition
        if not any(m.key in ours and m.partition != here for m in batch[pos + 1 :]):
            return None
        failed.append(env.id)
        return OperationalError("INSERT INTO applied", {}, ConnectionResetError("connection lost"))

    handler = NoteHandler()
    handler.fault = fail_mid_batch
    consumer = make_consumer(stack, handler, group=group, bus=spy)
    async with running(consumer) as task:

        async def all_applied() -> bool:
            return all([len(await applied_seqs(stack.engine, a)) >= n for a, n in written.items()])

        await until(all_applied, "every event applied after the failure", task=task)

    assert len(failed) == 1, "the failure was not injected in the middle of a batch"
    assert consumer.outcomes(failed[0]) == ["raised OperationalError", "applied"]
    assert handler.calls[failed[0]] == 2
    for agg in written:
        assert "dead-lettered" not in consumer.outcomes_by_key(agg), agg
    assert await applied_seqs(stack.engine, main) == list(range(1, N + 1))
    for other in others:
        assert await applied_seqs(stack.engine, other) == list(range(1, written[other] + 1)), other
