"""The idempotent consumer: apply each event once, commit the offset after the database.

For every message: decode the CloudEvent; in one transaction record ``(consumer,
event id)`` in ``processed_messages`` and apply the handler's effect (including any
events the handler emits to the outbox); commit; then commit the Kafka offset. A
redelivered event finds its row and is skipped. A handler that keeps failing is
retried a bounded number of times, then the message goes to ``<topic>.dlq`` with the
error in its headers and the consumer goes on. A message that is not a CloudEvent at
all goes to the DLQ at once. If the database itself is unreachable nothing is
dead-lettered: the consumer rewinds and waits, because the message is not at fault.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from shared import metrics
from shared.bus.base import Bus, Message, Record, Subscriber
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope, PoisonMessage
from shared.events.topics import dlq
from shared.logs import RepeatedFailure
from shared.metrics import observe_lag
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.tracing import current_traceparent

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, DomainEvent, Envelope], Awaitable[None]]
Outcome = Literal["applied", "duplicate", "ignored", "dead-lettered"]

_INFRA_ERRORS = (OperationalError, InterfaceError, ConnectionError, OSError)


@dataclass
class ConsumerStats:
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_lettered: int = 0


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
    ) -> None:
        self.group = group
        self.topics = topics
        self.bus = bus
        self.uow = uow
        self.processed = processed
        self.handlers = handlers
        self.max_retries = max_retries
        self.retry_backoff_s = retry_backoff_s
        self.stats = ConsumerStats()
        insert = postgresql.insert if uow.engine.dialect.name == "postgresql" else sqlite.insert
        self._claim = insert(processed).on_conflict_do_nothing().returning(processed.c.event_id)
        self._stopping = asyncio.Event()
        self._subscriber: Subscriber | None = None
        self._infra_failure = RepeatedFailure(log, f"{group}: infrastructure failure; will retry")
        self.started = asyncio.Event()

    async def process(self, message: Message) -> Outcome:
        """Handle one message completely (database commit included); never raises for
        a bad message, only for infrastructure failures."""
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
                outcome = await self._apply_once(handler, event, envelope)
            except _INFRA_ERRORS:
                raise
            except Exception as exc:
                if attempt > self.max_retries:
                    log.exception(
                        "%s: %s %s failed %d times; dead-lettering", self.group, envelope.type, envelope.id, attempt
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

    async def _apply_once(self, handler: Handler, event: DomainEvent, envelope: Envelope) -> Outcome:
        p = self.processed
        token = current_traceparent.set(envelope.traceparent)
        try:
            async with self.uow(envelope.traceparent) as uow:
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
        finally:
            current_traceparent.reset(token)

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
        await sub.start()
        self.started.set()
        try:
            while not self._stopping.is_set():
                messages = await sub.fetch(0.2)
                if messages:
                    await self._handle_batch(sub, messages)
                await observe_lag(self.group, sub)
        finally:
            await sub.stop()

    async def _handle_batch(self, sub: Subscriber, messages: list[Message]) -> None:
        """Apply a fetched batch in order, then commit each partition's offset once, after the
        database commits of its messages. A failure stops the batch: what follows is read again
        (and what was already applied is then skipped as a duplicate)."""
        done: dict[tuple[str, int], Message] = {}
        failed: Message | None = None
        for m in messages:
            try:
                outcome = await self.process(m)
                metrics.CONSUMER_EVENTS.labels(self.group, m.topic, outcome.replace("-", "_")).inc()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._infra_failure.failed(exc, where=f"{m.topic}[{m.partition}]@{m.offset}")
                failed = m
                break
            done[(m.topic, m.partition)] = m
        try:
            for m in done.values():
                await sub.commit(m)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A refused commit (e.g. during a rebalance): read the whole batch again; every
            # message in it is then a duplicate and is skipped.
            log.warning("%s: offset commit refused; re-reading the batch", self.group, exc_info=True)
            failed = messages[0]
        if failed is None:
            self._infra_failure.recovered()
        else:
            await self._rewind_partitions(sub, messages, failed)
            await asyncio.sleep(1.0)

    async def _rewind_partitions(self, sub: Subscriber, batch: list[Message], failed: Message) -> None:
        # Re-read from the failed message in its partition; and from the first
        # unprocessed message in every other partition of this batch.
        firsts: dict[tuple[str, int], Message] = {}
        idx = batch.index(failed)
        for m in batch[idx:]:
            firsts.setdefault((m.topic, m.partition), m)
        for m in firsts.values():
            await sub.rewind(m)

    def stop(self) -> None:
        self._stopping.set()
