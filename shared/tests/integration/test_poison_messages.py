"""Messages that can never be applied go to ``<topic>.dlq`` with the error; the consumer goes on."""

from __future__ import annotations

import orjson

from shared.bus.base import Message, Record
from shared.events.envelope import CONTENT_TYPE
from shared.events.topics import dlq
from shared.tests.integration import kernel
from shared.tests.integration.harness import (
    NoteHandler,
    Stack,
    applied_event_ids,
    fresh_group,
    make_consumer,
    new_aggregate,
    note_envelope,
    read_topic,
    record_of,
    running,
    until,
)


def _dlq_headers(message: Message) -> dict[str, str]:
    return {k: v.decode() for k, v in message.headers if k.startswith("dlq-")}


async def test_poison_messages_are_dead_lettered_and_the_next_message_is_applied(stack: Stack) -> None:
    group = await fresh_group(stack)
    agg = new_aggregate("poison")  # one key: one partition, so "the next message" is well defined
    key = agg.encode()
    not_json = b"\x00this is not json{"
    not_a_cloudevent = orjson.dumps({"hello": "world", "id": "x"})
    bad_data = note_envelope(agg, 1)
    bad_data_value = orjson.dumps(
        {**orjson.loads(bad_data.to_json()), "data": {"aggregate_id": agg, "seq": "not a number"}}
    )
    good = note_envelope(agg, 2)
    poisons = [not_json, not_a_cloudevent, bad_data_value]
    await stack.bus.publish(
        [Record(kernel.TOPIC, key, value, [("content-type", CONTENT_TYPE.encode())]) for value in poisons]
        + [record_of(good)]
    )

    handler = NoteHandler()
    consumer = make_consumer(stack, handler, group=group)
    async with running(consumer) as task:
        await until(lambda: consumer.outcomes(good.id), "the good message after the poison", task=task)

    assert consumer.outcomes_by_key(agg) == ["dead-lettered", "dead-lettered", "dead-lettered", "applied"]
    assert await applied_event_ids(stack.engine, agg) == [good.id]
    assert handler.calls[bad_data.id] == 0  # invalid data never reaches the handler

    dead = await read_topic(
        stack.bus,
        dlq(kernel.TOPIC),
        lambda m: m.key == key and m.header("dlq-consumer") == consumer.group.encode(),
        count=3,
        what="three poison messages in the DLQ",
    )
    assert [m.value for m in dead] == poisons  # the original bytes, in their order
    originals = sorted(m.offset for m, _ in consumer.deliveries if m.key == key)[:3]
    errors = []
    for m, original_offset in zip(dead, originals, strict=True):
        h = _dlq_headers(m)
        assert h["dlq-consumer"] == consumer.group
        assert h["dlq-original-topic"] == kernel.TOPIC
        assert h["dlq-original-offset"] == str(original_offset)
        assert h["dlq-original-partition"].isdigit()
        assert h["dlq-attempts"] == "0"  # not retried: it can never succeed
        assert m.header("content-type") == CONTENT_TYPE.encode()  # original headers are kept
        errors.append(h["dlq-error"])
    assert errors[0].startswith("PoisonMessage: value is not JSON")
    assert errors[1].startswith("PoisonMessage: not a CloudEvent, missing specversion")
    assert errors[2].startswith(f"PoisonMessage: {kernel.NoteWritten.ce_type()} data invalid")
    assert "seq" in errors[2]


async def test_handler_that_always_fails_is_retried_then_dead_lettered_and_committed(stack: Stack) -> None:
    group = await fresh_group(stack, "failing")
    agg = new_aggregate("failing")
    doomed, after, sentinel = note_envelope(agg, 1), note_envelope(agg, 2), note_envelope(agg, 3)
    handler = NoteHandler()
    handler.faults[doomed.id] = lambda call: ValueError(f"business rule broken (call {call})")
    await stack.bus.publish([record_of(doomed), record_of(after)])

    max_retries = 2
    consumer = make_consumer(stack, handler, group=group, max_retries=max_retries)
    async with running(consumer) as task:
        await until(lambda: consumer.outcomes(after.id), "the message after the failing one", task=task)

    assert consumer.outcomes(doomed.id) == ["dead-lettered"]
    assert consumer.outcomes(after.id) == ["applied"]
    assert handler.calls[doomed.id] == 1 + max_retries
    assert await applied_event_ids(stack.engine, agg) == [after.id]

    (dead,) = await read_topic(
        stack.bus,
        dlq(kernel.TOPIC),
        lambda m: m.key == agg.encode() and m.header("dlq-consumer") == group.encode(),
        count=1,
        what="the failing message in the DLQ",
    )
    assert dead.value == doomed.to_json()
    h = _dlq_headers(dead)
    assert h["dlq-error"] == f"ValueError: business rule broken (call {1 + max_retries})"
    assert h["dlq-attempts"] == str(1 + max_retries)

    # The offset went past it: a new member of the same group starts after it. The sentinel
    # shares the key (same partition), so once it arrives anything before it would have too.
    await stack.bus.publish([record_of(sentinel)])
    successor = make_consumer(stack, handler, group=group, max_retries=max_retries)
    async with running(successor) as task:
        await until(lambda: successor.outcomes(sentinel.id), "the sentinel", task=task)
    assert successor.outcomes_by_key(agg) == ["applied"]
    assert handler.calls[doomed.id] == 1 + max_retries
    assert await applied_event_ids(stack.engine, agg) == [after.id, sentinel.id]
