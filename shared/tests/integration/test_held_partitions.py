"""A failure that is not the event's own holds its partition, with a growing back-off, and never
dead-letters the event; the other partitions go on meanwhile, and the held one resumes in order."""

from __future__ import annotations

import itertools
import time

import asyncpg
import pytest

from shared.tests.integration.harness import (
    NoteHandler,
    Stack,
    applied_event_ids,
    event_id_of,
    fresh_group,
    make_consumer,
    new_aggregate,
    note_envelope,
    partition_of,
    record_of,
    running,
    until,
)


def _closing_a_failed_connection() -> BaseException:
    """What a unit of work raised while PostgreSQL restarted (issue 14), its cause in its context."""
    try:
        try:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 55432)")
        except ConnectionRefusedError:
            raise RuntimeError("generator didn't stop after athrow()")  # noqa: B904
    except RuntimeError as exc:
        return exc


FAILURES = {
    "runtime-error-during-restart": _closing_a_failed_connection,
    "database-starting-up": lambda: asyncpg.CannotConnectNowError("the database system is starting up"),
    "bug-in-a-handler": lambda: KeyError("a bug"),
}
FAILED_CALLS = 3


@pytest.mark.parametrize("failure", list(FAILURES))
async def test_failure_holds_only_its_partition_and_retries_with_backoff(stack: Stack, failure: str) -> None:
    group = await fresh_group(stack, "held")
    held = new_aggregate("held")
    free = new_aggregate("free")
    while partition_of(stack, free) == partition_of(stack, held):
        free = new_aggregate("free")
    first, second = note_envelope(held, 1), note_envelope(held, 2)
    others = [note_envelope(free, i) for i in (1, 2)]
    handler = NoteHandler()
    calls_at: list[float] = []

    def fault(call: int) -> BaseException | None:
        calls_at.append(time.monotonic())
        return FAILURES[failure]() if call <= FAILED_CALLS else None

    handler.faults[first.id] = fault
    await stack.bus.publish([record_of(first), record_of(second), *map(record_of, others)])

    consumer = make_consumer(stack, handler, group=group, max_retries=0)  # an event's fault: DLQ at once
    async with running(consumer) as task:
        await until(lambda: consumer.outcomes(second.id), "the held partition to resume", task=task)

    # Retried until it went through: never dead-lettered, never skipped, order kept.
    assert consumer.outcomes(first.id)[-1] == "applied"
    assert len(consumer.outcomes(first.id)) == FAILED_CALLS + 1
    assert "dead-lettered" not in consumer.outcomes_by_key(held)
    assert consumer.stats.dead_lettered == 0
    assert await applied_event_ids(stack.engine, held) == [first.id, second.id]
    # The other partition did not wait for it: applied while this one was still failing.
    assert await applied_event_ids(stack.engine, free) == [e.id for e in others]
    order = [(event_id_of(m), outcome) for m, outcome in consumer.deliveries]
    last_failure = max(i for i, (eid, outcome) in enumerate(order) if eid == first.id and outcome != "applied")
    assert all(order.index((e.id, "applied")) < last_failure for e in others), order
    # Back-off: 0.1 s, then 0.2 s, then 0.4 s (the loop's own latency only adds to them).
    gaps = [b - a for a, b in itertools.pairwise(calls_at)]
    assert len(gaps) == FAILED_CALLS
    for gap, want in zip(gaps, (0.1, 0.2, 0.4), strict=True):
        assert gap >= want * 0.9, gaps
