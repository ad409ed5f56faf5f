"""Rebuild matching's read model from scratch by replaying the topics from offset 0.

    ITP_MODE=kafka python -m services.matching.rebuild        (``itp rebuild matching``)

Empties the read model (carrier, person and demand profiles, capacities, contract
records) and bumps its generation, notes where each partition of the talent, demand and
contracts topics ends, and replays them from offset 0 under a fresh consumer group through
the same read-model handlers as the live consumer, until every partition has been read up
to that end. The replay itself suggests nothing and publishes nothing. At the end the track
records are recomputed (contracts and demands come from different topics, so their relative
order in a replay is arbitrary) and the generation is bumped again: every running matching
process notices it and reloads its in-memory index from the rebuilt view.

Then the suggestions: matching's own data (suggestion sets, curation decisions, conflicts of
interest, assignment batches) is kept, but every open demand of the rebuilt read model that
has no suggestion set (its ``DemandPublished`` was dead-lettered, or its suggestions were lost)
is suggested for now, as the live consumer would have (trigger ``rebuild``; the
``MatchesSuggested`` events go through the outbox, published by the service's relay). Before
that, the stored view of every demand with suggestions is rendered again, or created if it is
missing (they show carriers' and experts' names, from the rebuilt tables).

An event that the live consumer dead-lettered is on the topic like any other, so the replay
applies it; one that fails again is reported (exit status 1), not dead-lettered twice.

The live service may keep running: the handlers are idempotent and version-guarded, so the
view converges; events published after the start are applied by the live consumer. Replays
need the topics' whole history (``retention.ms=-1``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from services.matching import tables
from services.matching.handlers import handlers_for, scope_for
from services.matching.repository import MatchingRepository
from services.matching.service import MatchingService
from services.matching.settings import MatchingSettings
from shared.bus.base import Bus
from shared.consumer import EventConsumer
from shared.events import topics as platform_topics
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.relay import wake_relay
from shared.replay import (
    REPLAY_BATCH_SIZE,
    REPLAY_CONCURRENCY,
    Ends,
    HeldDeadLetters,
    forget_dedupe,
    rebuild_command,
    replay,
)

# What the read model is built from.
TOPICS = (platform_topics.TALENT, platform_topics.DEMAND, platform_topics.CONTRACTS)


@dataclass
class RebuildReport:
    group: str
    generation: int
    messages: int
    applied: int
    duplicates: int
    ignored: int
    dead_lettered: int
    seconds: float
    suggested: int = 0  # open demands that had no suggestions and got them
    views: int = 0  # stored views of suggestions rendered again
    replay_seconds: float = 0.0  # of ``seconds``, the replay itself
    not_applied: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"rebuilt matching's read model (generation {self.generation}) from {self.messages} messages in "
            f"{self.seconds:.1f} s (replayed in {self.replay_seconds:.1f} s; applied {self.applied}, "
            f"duplicates {self.duplicates}, ignored {self.ignored}, "
            f"not applied {self.dead_lettered}; group {self.group}); suggested for {self.suggested} demand(s) "
            f"that had none; rendered {self.views} view(s)"
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
    """Truncate the read model and replay ``topic_names`` into it, from offset 0 under a fresh
    consumer group, up to the ends they have once it is empty."""
    group = group or platform_topics.consumer_group("matching", f"rebuild-{uuid.uuid4().hex[:12]}")
    started = time.monotonic()
    async with engine.begin() as conn:
        await MatchingRepository(conn).truncate_read_model(datetime.now(UTC))
    remaining = {tp: end for tp, end in (await end_offsets()).items() if end > 0}
    uow = UnitOfWorkFactory(engine, tables.outbox, source="/itp/matching", signal=OutboxSignal())
    held = HeldDeadLetters(bus)
    replaying = MatchingService(uow, MatchingSettings(), replaying=True)
    consumer = EventConsumer(
        group=group,
        topics=list(topic_names),
        bus=held,
        uow=uow,
        processed=tables.processed_messages,
        handlers=handlers_for(replaying),
        batch_scope=scope_for(replaying),
        batch_size=REPLAY_BATCH_SIZE,
        concurrency=REPLAY_CONCURRENCY,
    )
    replay_started = time.monotonic()
    messages = await replay(consumer, bus, remaining, idle_timeout_s=idle_timeout_s, progress=progress)
    replay_s = time.monotonic() - replay_started
    async with engine.begin() as conn:
        repo = MatchingRepository(conn)
        now = datetime.now(UTC)
        await repo.refresh_all_tracks(now)
        generation = await repo.bump_generation(now)
    await forget_dedupe(engine, tables.processed_messages, group)
    service = MatchingService(uow, MatchingSettings())
    await service.start()  # the index of the rebuilt read model
    # The stored views of suggestions show carriers' and experts' names from the rebuilt tables
    # (those of the demands suggested for now are rendered as they are suggested).
    rendered = await service.refresh_views()
    suggested = await suggest_missing(service)
    s = consumer.stats
    return RebuildReport(
        group,
        generation,
        messages,
        s.applied,
        s.duplicates,
        s.ignored,
        s.dead_lettered,
        time.monotonic() - started,
        suggested,
        rendered + suggested,
        replay_seconds=replay_s,
        not_applied=held.not_applied(),
    )


async def suggest_missing(service: MatchingService, *, chunk: int = 100) -> int:
    """Suggest for every open demand that has no suggestion set; a transaction per ``chunk``
    demands (their suggestion sets written, and their views rendered, at once)."""
    async with service.uow.read() as conn:
        missing = await MatchingRepository(conn).open_demands_without_suggestions()
    for start in range(0, len(missing), chunk):
        async with service.uow() as uow, service.deferring(uow):
            for demand_id in missing[start : start + chunk]:
                await service.suggest(uow, demand_id, trigger="rebuild")
    if missing:
        await wake_relay(service.uow.engine)  # the service's relay publishes the MatchesSuggested now
    return len(missing)


main = rebuild_command("matching", "matching's read model", rebuild, list(TOPICS))


if __name__ == "__main__":
    main()
