"""Rebuild the dashboard's projection from scratch by replaying every topic from its start.

    ITP_MODE=kafka python -m services.dashboard.rebuild

Empties the projection, notes where each partition of each topic ends, and replays the
topics from offset 0 under a fresh consumer group, through the same handlers as the live
consumer, until every partition has been read up to that end. The live service may keep
running meanwhile: its handlers and these are safe to apply twice and in any order, so the
projection converges; events published after the start are applied by the live consumer.
Nothing is announced to the live stream. Replays need the topics' whole history
(``retention.ms=-1`` on the event topics). The replay's consumer group is namespaced by
``ITP_TOPIC_PREFIX`` like every other group; an event that cannot be applied is reported, not
dead-lettered again (``shared/replay.py``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from services.dashboard import tables
from services.dashboard.handlers import build_batch_scope, build_handlers
from services.dashboard.repository import DashboardRepository
from services.dashboard.service import Projection
from shared.bus.base import Bus
from shared.consumer import EventConsumer
from shared.events import topics as platform_topics
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.replay import (
    REPLAY_BATCH_SIZE,
    REPLAY_CONCURRENCY,
    Ends,
    HeldDeadLetters,
    forget_dedupe,
    rebuild_command,
    replay,
)


@dataclass
class RebuildReport:
    group: str
    messages: int
    applied: int
    duplicates: int
    ignored: int
    dead_lettered: int
    seconds: float
    replay_seconds: float = 0.0  # of ``seconds``, the replay itself
    not_applied: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"rebuilt the dashboard projection from {self.messages} messages in {self.seconds:.1f} s "
            f"(replayed in {self.replay_seconds:.1f} s; applied {self.applied}, duplicates {self.duplicates}, "
            f"ignored {self.ignored}, "
            f"not applied {self.dead_lettered}; group {self.group})"
        )


async def rebuild(
    engine: AsyncEngine,
    bus: Bus,
    topic_names: Sequence[str],
    end_offsets: Callable[[], Awaitable[Ends]],
    *,
    group: str | None = None,
    idle_timeout_s: float = 60.0,
    progress: TextIO | None = None,
) -> RebuildReport:
    """Empty the projection and replay ``topic_names`` into it up to their current ends.

    ``end_offsets`` is asked after the projection was emptied: whatever the live consumer
    applied before that point was published before it, so the replay covers it."""
    group = group or platform_topics.consumer_group("dashboard", f"rebuild-{uuid.uuid4().hex[:12]}")
    started = time.monotonic()
    async with engine.begin() as conn:
        await DashboardRepository(conn).clear()
    remaining = {tp: end for tp, end in (await end_offsets()).items() if end > 0}
    held = HeldDeadLetters(bus)
    projection = Projection()
    consumer = EventConsumer(
        group=group,
        topics=list(topic_names),
        bus=held,
        uow=UnitOfWorkFactory(engine, tables.outbox, source="/itp/dashboard", signal=OutboxSignal()),
        processed=tables.processed_messages,
        handlers=build_handlers(projection),
        batch_scope=build_batch_scope(projection),
        batch_size=REPLAY_BATCH_SIZE,
        concurrency=REPLAY_CONCURRENCY,
    )
    replay_started = time.monotonic()
    messages = await replay(consumer, bus, remaining, idle_timeout_s=idle_timeout_s, progress=progress)
    replay_s = time.monotonic() - replay_started
    await forget_dedupe(engine, tables.processed_messages, group)
    s = consumer.stats
    return RebuildReport(
        group,
        messages,
        s.applied,
        s.duplicates,
        s.ignored,
        s.dead_lettered,
        time.monotonic() - started,
        replay_seconds=replay_s,
        not_applied=held.not_applied(),
    )


main = rebuild_command("dashboard", "the dashboard projection", rebuild, list(platform_topics.ALL))


if __name__ == "__main__":
    main()
