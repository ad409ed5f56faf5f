"""The idempotent consumer: apply each event once, commit the offset after the database.

For every message: decode the CloudEvent; in one transaction record ``(consumer,
event id)`` in ``processed_messages`` and apply the handler's effect (including any
events the handler emits to the outbox); commit; then commit the Kafka offset. A
redelivered event finds its row and is skipped.

What a failure means is decided by ``shared.failures.consumer_verdict``, one rule: only the
event's own fault (it does not parse or validate, a domain rule refuses it) is dead-lettered,
to ``<topic>.dlq`` with the error in its headers, after ``max_retries`` quick retries (a
racing writer may have caused it). Anything else (the database or the broker unreachable, a
timeout, a bug) pauses the event's partition and retries it after a capped exponential
back-off, never committing past it and never dead-lettering it; the other partitions go on.

A fetch is applied partition by partition, each partition its own task (up to
``concurrency`` at once), its events in order. Where the consumer has a ``batch_scope`` (the
service declares that its handlers may share a transaction), a run of up to ``batch_size``
events of one partition is one transaction: one ``INSERT ... ON CONFLICT DO NOTHING RETURNING``
claims them all, the claimed ones are applied in order inside the scope, and the scope does at
its end the derived work the events asked for (once per batch instead of once per event). A
batch that fails is rolled back and applied again event by event, so the one at fault meets the
failure rule alone and what precedes it commits. Offsets are committed after the database.

An idle consumer waits in one long poll of the bus; ``stop()`` interrupts it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from shared import metrics, tracing
from shared.bus.base import Bus, Message, Record, Subscriber
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope, PoisonMessage
from shared.events.topics import dlq
from shared.failures import backoff_s, consumer_verdict, is_infrastructure
from shared.metrics import observe_lag
from shared.outbox import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, DomainEvent, Envelope], Awaitable[None]]
Outcome = Literal["applied", "duplicate", "ignored", "dead-lettered"]
Partition = tuple[str, int]
# Opened around the events of one batch, in its transaction, with the events it is about to apply
# (those claimed, in order: what they all need may be read or locked at once at its entry); what
# the handlers defer (derived work) is done at its exit, still inside the transaction.
BatchScope = Callable[[UnitOfWork, Sequence[DomainEvent]], AbstractAsyncContextManager[object]]
# Of a partition's messages: the last one applied, and the one that failed with its error.
Applied = tuple[Message | None, tuple[Message, Exception] | None]


@dataclass
class ConsumerStats:
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_lettered: int = 0
    held: int = 0  # times a partition was paused on a failure to retry


class EventConsumer:
    """One consumer group of one service, dispatching events to typed handlers."""

    def __init__(
        self,
        *,
        group: str,
        topics: list[str],
        bus: Bus,
        uow: UnitOfWorkFactory,
        processed: sa.Table,
        handlers: dict[type[DomainEvent], Handler],
        max_retries: int = 3,
        retry_backoff_s: float = 0.05,
        pause_base_s: float = 0.1,
        pause_max_s: float = 5.0,
        poll_s: float = 30.0,
        batch_scope: BatchScope | None = None,
        batch_size: int = 100,
        concurrency: int = 4,
    ) -> None:
        self.group = group
        self.topics = topics
        self.bus = bus
        self.uow = uow
        self.processed = processed
        self.handlers = handlers
        self.max_retries = max_retries
        self.retry_backoff_s = retry_backoff_s
        self.pause_base_s = pause_base_s
        self.pause_max_s = pause_max_s
        self.poll_s = poll_s
        self.batch_scope = batch_scope
        self.batch_size = batch_size if batch_scope is not None else 1
        # SQLite has one writer: its partitions are applied one after another.
        self.concurrency = concurrency if uow.engine.dialect.name == "postgresql" else 1
        self.stats = ConsumerStats()
        insert = postgresql.insert if uow.engine.dialect.name == "postgresql" else sqlite.insert
        self._insert = insert
        self._claim = insert(processed).on_conflict_do_nothing().returning(processed.c.event_id)
        self._stopping = asyncio.Event()
        self._subscriber: Subscriber | None = None
        self._fetching: asyncio.Future[list[Message]] | None = None
        # Partitions held on a failure: when each resumes (loop time), and how many failures in a row.
        self._paused: dict[Partition, float] = {}
        self._failures: dict[Partition, int] = {}
        self.started = asyncio.Event()

    async def process(self, message: Message) -> Outcome:
        """Handle one message completely (database commit included).

        Never raises for the event's own fault (it is dead-lettered); raises whatever is to be
        retried later (``shared.failures.consumer_verdict``), and the caller holds the partition."""
        try:
            envelope = Envelope.from_json(message.value)
            event = envelope.event()
        except PoisonMessage as exc:
            await self._dead_letter(message, exc, attempts=0)
            return "dead-lettered"
        if event is None or type(event) not in self.handlers:
            self.stats.ignored += 1
            return "ignored"
        handler = self.handlers[type(event)]
        attempt = 0
        while True:
            attempt += 1
            try:
                with tracing.consuming(envelope, message.topic, self.group) as tp:
                    outcome = await self._apply_once(handler, event, envelope, tp)
            except Exception as exc:
                if consumer_verdict(exc) == "retry":
                    raise
                if attempt > self.max_retries:
                    log.error(
                        "%s: %s %s refused %d times; dead-lettering",
                        self.group,
                        envelope.type,
                        envelope.id,
                        attempt,
                        exc_info=exc,
                    )
                    await self._dead_letter(message, exc, attempts=attempt)
                    return "dead-lettered"
                metrics.CONSUMER_RETRIES.labels(self.group, message.topic).inc()
                await asyncio.sleep(self.retry_backoff_s * attempt)
                continue
            if outcome == "applied":
                self.stats.applied += 1
            else:
                self.stats.duplicates += 1
            return outcome

    async def _apply_once(
        self, handler: Handler, event: DomainEvent, envelope: Envelope, traceparent: str | None
    ) -> Outcome:
        p = self.processed
        try:
            async with self.uow(traceparent) as uow:
                # One round trip records the event as processed, or finds it already was (a
                # concurrent first delivery makes this wait for its outcome, then see it).
                claimed = (
                    await uow.conn.execute(
                        self._claim,
                        {
                            "consumer": self.group,
                            "event_id": envelope.id,
                            "event_type": envelope.type,
                            "processed_at": datetime.now(UTC),
                        },
                    )
                ).first()
                if claimed is None:
                    return "duplicate"
                await handler(uow, event, envelope)
            return "applied"
        except IntegrityError:
            # A concurrent delivery of the same event won the insert: it is applied.
            async with self.uow.engine.connect() as conn:
                seen = (
                    await conn.execute(
                        sa.select(p.c.event_id).where(p.c.consumer == self.group, p.c.event_id == envelope.id)
                    )
                ).first()
            if seen:
                return "duplicate"
            raise

    async def apply_in_order(
        self, messages: Sequence[Message]
    ) -> tuple[Message | None, tuple[Message, Exception] | None]:
        """Apply messages of one partition in order, in batches where the consumer may: the last
        one applied (database committed), and the one that failed with its error, if any (what
        follows it is not applied). Stops early, with no failure, when the consumer is stopped."""
        done: Message | None = None
        i = 0
        while i < len(messages):
            if self._stopping.is_set():
                break  # what is left is read again by whoever consumes next
            chunk = messages[i : i + self.batch_size]
            if len(chunk) > 1:
                try:
                    await self._apply_batch(chunk)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    # Find the one at fault: event by event, each its own transaction, below.
                    log.debug("%s: a batch of %d failed (%s); applying it event by event", self.group, len(chunk), exc)
                else:
                    done = chunk[-1]
                    i += len(chunk)
                    await asyncio.sleep(0)  # let requests in between batches
                    continue
            for m in chunk:
                if self._stopping.is_set():
                    return done, None
                try:
                    outcome = await self.process(m)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    return done, (m, exc)
                metrics.CONSUMER_EVENTS.labels(self.group, m.topic, outcome.replace("-", "_")).inc()
                done = m
            i += len(chunk)
            await asyncio.sleep(0)
        return done, None

    async def _apply_batch(self, chunk: Sequence[Message]) -> None:
        """Apply a run of one partition's messages in one transaction, or raise (nothing applied).
        A message that does not parse makes the batch fail: it is dead-lettered on its own."""
        assert self.batch_scope is not None
        items: list[tuple[Handler, DomainEvent, Envelope]] = []
        ignored = 0
        for m in chunk:
            envelope = Envelope.from_json(m.value)  # PoisonMessage: the event by event path
            event = envelope.event()
            if event is None or type(event) not in self.handlers:
                ignored += 1
                continue
            items.append((self.handlers[type(event)], event, envelope))
        applied = duplicates = 0
        topic = chunk[0].topic
        if items:
            now = datetime.now(UTC)
            claim = (
                self._insert(self.processed)
                .values(
                    [
                        {"consumer": self.group, "event_id": env.id, "event_type": env.type, "processed_at": now}
                        for _, _, env in items
                    ]
                )
                .on_conflict_do_nothing()
                .returning(self.processed.c.event_id)
            )
            async with self.uow(items[0][2].traceparent) as uow:
                # One round trip claims the whole batch; what is already claimed was applied.
                claimed = set((await uow.conn.execute(claim)).scalars())
                todo = []
                for item in items:
                    if item[2].id not in claimed:
                        duplicates += 1
                        continue
                    claimed.discard(item[2].id)  # the same event twice in one batch: once
                    todo.append(item)
                async with self.batch_scope(uow, [event for _, event, _ in todo]):
                    for handler, event, envelope in todo:
                        with tracing.consuming(envelope, topic, self.group) as tp:
                            uow.traceparent = tracing.for_events(tp)
                            uow.occurred_at = None  # a handler dates its reaction (UnitOfWork.dated_by)
                            await handler(uow, event, envelope)
                            uow.events_rows()  # the events it emitted carry its own trace
                        applied += 1
                        await asyncio.sleep(0)  # a handler may be CPU (ranking): let requests in between events
        self.stats.applied += applied
        self.stats.duplicates += duplicates
        self.stats.ignored += ignored
        for outcome, n in (("applied", applied), ("duplicate", duplicates), ("ignored", ignored)):
            if n:
                metrics.CONSUMER_EVENTS.labels(self.group, topic, outcome).inc(n)

    async def _dead_letter(self, message: Message, error: BaseException, *, attempts: int) -> None:
        headers = [
            *message.headers,
            ("dlq-error", f"{type(error).__name__}: {error}"[:2000].encode()),
            ("dlq-consumer", self.group.encode()),
            ("dlq-original-topic", message.topic.encode()),
            ("dlq-original-partition", str(message.partition).encode()),
            ("dlq-original-offset", str(message.offset).encode()),
            ("dlq-attempts", str(attempts).encode()),
        ]
        await self.bus.publish([Record(dlq(message.topic), message.key or b"", message.value or b"", headers)])
        self.stats.dead_lettered += 1

    async def run(self) -> None:
        """Consume until stopped. Offsets are committed only after the database commit."""
        sub = self.bus.subscriber(self.group, self.topics)
        self._subscriber = sub
        if not await self._start(sub):
            return
        self.started.set()
        failures = 0
        try:
            while not self._stopping.is_set():
                await self._resume_due(sub)
                try:
                    messages = await self._fetch(sub)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # The broker went away: the client reconnects; wait, then poll again.
                    failures += 1
                    log.warning("%s: fetch failed; polling again", self.group, exc_info=True)
                    await self._sleep(backoff_s(failures, base_s=self.pause_base_s, cap_s=self.pause_max_s))
                    continue
                failures = 0
                if messages:
                    await self._handle_batch(sub, messages)
                await observe_lag(self.group, sub)
        finally:
            await sub.stop()

    async def _start(self, sub: Subscriber) -> bool:
        """Join the group, retrying while the broker is unreachable; False if stopped first."""
        failures = 0
        while not self._stopping.is_set():
            try:
                await sub.start()
                return True
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                delay = backoff_s(failures, base_s=self.pause_base_s, cap_s=self.pause_max_s)
                log.warning("%s: cannot start (%s: %s); retrying in %.1fs", self.group, type(exc).__name__, exc, delay)
                await self._sleep(delay)
        return False

    async def _fetch(self, sub: Subscriber) -> list[Message]:
        """One long poll, cut short by the next paused partition's resumption or by ``stop()``."""
        loop = asyncio.get_running_loop()
        timeout = self.poll_s
        if self._paused:
            timeout = max(0.0, min(timeout, min(self._paused.values()) - loop.time()))
        self._fetching = fetching = asyncio.ensure_future(sub.fetch(timeout))
        try:
            return await fetching
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self._stopping.is_set() and fetching.cancelled() and not (task and task.cancelling()):
                return []  # stop() interrupted the poll
            raise
        finally:
            self._fetching = None

    async def apply_fetch(self, messages: Sequence[Message]) -> dict[Partition, tuple[list[Message], Applied]]:
        """Apply what a fetch returned: each partition's messages in order (``apply_in_order``),
        up to ``concurrency`` partitions at once; of each partition, its messages and the outcome."""
        by_partition: dict[Partition, list[Message]] = {}
        for m in messages:
            by_partition.setdefault((m.topic, m.partition), []).append(m)
        slots = asyncio.Semaphore(self.concurrency)

        async def one(msgs: list[Message]) -> Applied:
            async with slots:
                return await self.apply_in_order(msgs)

        outcomes = await asyncio.gather(*(one(msgs) for msgs in by_partition.values()))
        return {tp: (msgs, o) for (tp, msgs), o in zip(by_partition.items(), outcomes, strict=True)}

    async def _handle_batch(self, sub: Subscriber, messages: list[Message]) -> None:
        """Apply a fetch: each partition's messages in order, the partitions concurrently; then
        commit each partition's offset once, after the database commits of its messages. A
        failure holds its partition: what follows it there is read again after the back-off (and
        what was already applied is then skipped as a duplicate); the other partitions go on."""
        by_partition = await self.apply_fetch(messages)
        held: dict[Partition, tuple[Message, BaseException]] = {}
        for tp, (msgs, (done, failed)) in by_partition.items():
            if failed is not None:
                held[tp] = failed
            if done is None:
                continue
            self._failures.pop(tp, None)  # it went on: a failure after it starts a new count
            try:
                await sub.commit(done)
            except asyncio.CancelledError:
                raise
            except Exception as refused:
                # A refused commit (a rebalance, the broker away): read the partition's part of
                # the batch again; every message in it is then a duplicate and is skipped.
                held[tp] = (msgs[0], refused)
        for m, failure in held.values():
            await self._hold(sub, m, failure)

    async def _hold(self, sub: Subscriber, message: Message, exc: BaseException) -> None:
        """Pause ``message``'s partition and deliver it again, from ``message``, after a back-off."""
        tp = (message.topic, message.partition)
        failures = self._failures[tp] = self._failures.get(tp, 0) + 1
        delay = backoff_s(failures, base_s=self.pause_base_s, cap_s=self.pause_max_s)
        self.stats.held += 1
        metrics.CONSUMER_RETRIES.labels(self.group, message.topic).inc()
        log.warning(
            "%s: %s[%d]@%d not applied (%s: %s); retrying in %.1fs (failure %d)",
            self.group,
            message.topic,
            message.partition,
            message.offset,
            type(exc).__name__,
            exc,
            delay,
            failures,
            # The traceback when it is not the infrastructure's: a bug to fix.
            exc_info=None if is_infrastructure(exc) else exc,
        )
        await sub.rewind(message)
        await sub.pause(message.topic, message.partition)
        self._paused[tp] = asyncio.get_running_loop().time() + delay

    async def _resume_due(self, sub: Subscriber) -> None:
        if not self._paused:
            return
        now = asyncio.get_running_loop().time()
        for tp, at in list(self._paused.items()):
            if at <= now:
                del self._paused[tp]
                await sub.resume(*tp)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            pass

    def stop(self) -> None:
        self._stopping.set()
        if self._fetching is not None:
            self._fetching.cancel()
