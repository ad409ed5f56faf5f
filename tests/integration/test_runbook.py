"""The runbook commands on PostgreSQL and Kafka.

The on-call path for a dead letter: an event the consumer refuses is dead-lettered; the DLQ metric
and ``itp dlq list`` show it; once the cause is fixed, ``itp dlq redrive`` puts it back with its
key and headers, it is applied exactly once, and the metric returns to zero. And ``itp migrate
check`` says, by its exit status, whether a database is at head."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from itp.cli import main
from shared import metrics
from shared.bus.base import Record
from shared.bus.kafka import KafkaBus
from shared.db import create_engine
from shared.dlq import dlq_refresher
from shared.events.envelope import CONTENT_TYPE, Envelope
from shared.events.topics import dlq
from shared.settings import ServiceSettings
from shared.testing import create_database, drop_database, kafka_bootstrap, unique
from shared.tests.integration import kernel
from shared.tests.integration.harness import (
    NoteHandler,
    RecordingConsumer,
    applied_event_ids,
    event_id_of,
    new_aggregate,
    note_envelope,
    running,
    until,
    uow_factory,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    """A fresh PostgreSQL database with the kernel test tables."""
    name = unique("itp_runbook")
    eng = create_engine(await create_database(name), pool_size=4)
    async with eng.begin() as conn:
        await conn.run_sync(kernel.metadata.create_all)
    yield eng
    await eng.dispose()
    await drop_database(name)


@pytest.fixture
async def topic() -> AsyncIterator[str]:
    """A topic of this test's own, so its DLQ holds nothing but what the test puts there."""
    name = f"itp.test.{uuid.uuid4().hex[:8]}.redrive"
    bus = KafkaBus(kafka_bootstrap(), client_id="itp-redrive-test")
    await bus.ensure_topics([name, dlq(name)], 3)
    yield name


async def itp(*args: str, status: int = 0) -> Any:
    """Run the ``itp`` command as an operator would (its own event loop, in a thread), read its JSON."""

    def run() -> str:
        out = io.StringIO()
        code: int | str | None = 0
        with contextlib.redirect_stdout(out):
            try:
                main([*args, "--json"])
            except SystemExit as exc:
                code = exc.code
        assert (code or 0) == status, f"itp {' '.join(args)} exited {code}"
        return out.getvalue()

    return json.loads(await asyncio.to_thread(run))


def _lag(group: str, topic: str) -> dict[str, float]:
    return {
        s.labels["partition"]: s.value
        for family in metrics.REGISTRY.collect()
        if family.name == "itp_consumer_lag_messages"
        for s in family.samples
        if s.labels["consumer"] == group and s.labels["topic"] == topic
    }


async def dlq_metric(topic: str) -> float:
    """``itp_dlq_pending_messages`` of the topic's DLQ as a scrape shows it."""
    await dlq_refresher(ServiceSettings(kafka_bootstrap=kafka_bootstrap()), [topic])()
    body, _ = metrics.exposition()
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "itp_dlq_pending_messages" and sample.labels == {"topic": dlq(topic)}:
                return sample.value
    raise AssertionError(f"no itp_dlq_pending_messages for {dlq(topic)}")


async def test_a_dead_letter_is_seen_redriven_once_fixed_and_applied_exactly_once(
    engine: AsyncEngine, topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ITP_KAFKA_BOOTSTRAP", kafka_bootstrap())
    bus = KafkaBus(kafka_bootstrap(), client_id=unique("itp-redrive"))
    await bus.start()
    agg = new_aggregate("redrive")
    event = note_envelope(agg, 1)
    broken = True  # the cause: say, a carrier this event names is not known yet
    handler = NoteHandler()
    handler.fault = lambda env: ValueError("carrier c-9 is not known") if broken else None
    consumer = RecordingConsumer(
        group=unique("redrive-test"),
        topics=[topic],
        bus=bus,
        uow=uow_factory(engine),
        processed=kernel.processed,
        handlers={kernel.NoteWritten: handler},
        max_retries=1,
        retry_backoff_s=0.01,
    )
    headers = [("content-type", CONTENT_TYPE.encode()), ("x-origin", b"portal-42")]
    try:
        async with running(consumer) as task:
            await bus.publish([Record(topic, agg.encode(), event.to_json(), headers)])
            await until(lambda: consumer.outcomes(event.id) == ["dead-lettered"], "the dead letter", task=task)
            assert await applied_event_ids(engine, agg) == []

            assert await dlq_metric(topic) == 1
            (listed,) = await itp("dlq", "list", "--topic", topic)
            assert listed["event"]["id"] == event.id
            assert listed["key"] == agg
            assert "carrier c-9 is not known" in listed["error"]
            assert listed["original"]["topic"] == topic
            shown = await itp("dlq", "show", listed["ref"])
            assert shown["headers"]["x-origin"] == "portal-42"

            broken = False  # the fix is deployed
            redriven = (await itp("dlq", "redrive", "--topic", topic))["redriven"]
            assert [r["event"]["id"] for r in redriven] == [event.id]
            await until(lambda: consumer.outcomes(event.id) == ["dead-lettered", "applied"], "the redrive", task=task)

            # Redriving again finds nothing waiting; a duplicate delivery of it is skipped.
            assert (await itp("dlq", "redrive", "--topic", topic))["redriven"] == []
            again = next(m for m, _ in consumer.deliveries if event_id_of(m) == event.id and m.offset > 0)
            await bus.publish([Record(topic, again.key or b"", again.value or b"", list(again.headers))])
            await until(lambda: consumer.outcomes(event.id)[-1:] == ["duplicate"], "the duplicate", task=task)
            # Its member reports its lag on the partition it read: nothing left behind.
            await until(lambda: list(_lag(consumer.group, topic).values()) == [0], "the lag gauge", task=task)

            # An event that can never apply is set aside: purged, not republished.
            broken = True
            hopeless = note_envelope(agg, 2)
            await bus.publish([Record(topic, agg.encode(), hopeless.to_json(), headers)])
            await until(
                lambda: consumer.outcomes(hopeless.id) == ["dead-lettered"], "the second dead letter", task=task
            )
            assert await dlq_metric(topic) == 1
            assert (await itp("dlq", "purge", "--topic", topic, "--yes"))["purged"] == 1
            assert await itp("dlq", "list", "--topic", topic) == []
    finally:
        await bus.stop()

    assert await applied_event_ids(engine, agg) == [event.id]  # exactly once
    assert handler.calls[event.id] == 3  # refused twice (1 retry), applied once after the redrive
    redelivered = [m for m, outcome in consumer.deliveries if outcome == "applied"]
    assert redelivered[0].key == agg.encode()  # its key, so its partition and order
    assert redelivered[0].headers == tuple(headers)  # its own headers, without the dlq-* ones
    assert Envelope.from_json(redelivered[0].value).id == event.id
    assert await dlq_metric(topic) == 0


async def test_migrate_check_exits_non_zero_until_the_database_is_at_head(
    monkeypatch: pytest.MonkeyPatch, fresh_db: Any
) -> None:
    bare = unique("itp_runbook_bare")
    bare_url = await create_database(bare)
    try:
        monkeypatch.setenv("ITP_TALENT_DATABASE_URL", bare_url)
        (report,) = await itp("migrate", "check", "talent", status=1)
        assert report["state"] == "not migrated"
        monkeypatch.setenv("ITP_TALENT_DATABASE_URL", await fresh_db("talent"))
        (report,) = await itp("migrate", "check", "talent")
        assert report["state"] == "at head" and report["current"] == report["head"]
    finally:
        await drop_database(bare)
