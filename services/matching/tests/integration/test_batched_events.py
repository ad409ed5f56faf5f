"""A batch of consumed events (one transaction, the suggestion sets written with one statement per
table) records what the same events applied one at a time record, and a redelivered batch
records nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from services.matching import tables
from services.matching.tests.integration.support import (
    Matching,
    carrier_registered,
    demand_published,
    envelope,
    matching_service,
    message,
    person_registered,
)
from services.matching.tests.integration.test_read_model_and_suggestions import BATTERY, CELL_LAB, WATER, FreshDb
from shared.bus.base import Message
from shared.events import demand as demand_ev
from shared.events.base import DomainEvent

FIELDS = (["energy.batteries"], ["environment.water"], ["energy.batteries", "environment.water"])


def history() -> tuple[list[DomainEvent], list[DomainEvent]]:
    """Profiles, then demands submitted and published (some both, one withdrawn on the way)."""
    carriers = [carrier_registered(**BATTERY), carrier_registered(**CELL_LAB), carrier_registered(**WATER)]
    people = [
        person_registered(fields=["energy.batteries"], keywords=["固态电解质"], carrier_id=carriers[0].carrier_id),
        person_registered(fields=["environment.water"], keywords=["膜分离"]),
    ]
    demands: list[DomainEvent] = []
    for i in range(12):
        published = demand_published(title=f"需求{i}", description="固态电解质与废水处理", fields=FIELDS[i % 3])
        if i % 2:  # submitted first, then published
            body = published.model_dump(include=set(demand_ev.DemandSubmitted.model_fields) - {"submitted_at"})
            submitted = demand_ev.DemandSubmitted(**body, submitted_at=published.published_at)
            demands.append(submitted)
        demands.append(published)
        if i == 5:
            demands.append(
                demand_ev.DemandWithdrawn(demand_id=published.demand_id, withdrawn_at=published.published_at)
            )
    return [*carriers, *people], demands


async def recorded(m: Matching) -> dict[str, list[tuple[str, list[tuple[str, float]], list[tuple[str, float]]]]]:
    """Of each demand, its suggestion sets in order: trigger, carriers and experts (id, score) by rank."""
    out: dict[str, list[tuple[str, list[tuple[str, float]], list[tuple[str, float]]]]] = {}
    async with m.engine.connect() as conn:
        sets = await conn.execute(sa.select(tables.suggestion_sets).order_by(tables.suggestion_sets.c.created_at))
        for s in sets:
            rows: list[list[tuple[str, float]]] = []
            for table, key in ((tables.suggestions, "carrier_id"), (tables.expert_suggestions, "person_id")):
                ranked = await conn.execute(
                    sa.select(table.c[key], table.c.score)
                    .where(table.c.suggestion_set_id == s.suggestion_set_id)
                    .order_by(table.c.rank)
                )
                rows.append([(str(r[0]), round(r[1], 9)) for r in ranked])
            out.setdefault(str(s.demand_id), []).append((s.trigger, rows[0], rows[1]))
    return out


def as_messages(events: list[DomainEvent], start: int) -> list[Message]:
    return [message(envelope(e), start + i) for i, e in enumerate(events)]


async def apply(m: Matching, batches: list[list[Message]], batch_size: int) -> None:
    m.consumer.batch_size = batch_size
    for batch in batches:
        done, failed = await m.consumer.apply_in_order(batch)
        assert failed is None, failed
        assert done is batch[-1]


async def outbox_count(m: Matching) -> int:
    return len(await m.outbox("MatchesSuggested"))


async def test_a_batch_records_the_suggestions_one_event_at_a_time_records(fresh_db: FreshDb) -> None:
    profiles, demands = history()
    batches = [as_messages(profiles, 0), as_messages(demands, len(profiles))]
    results: list[Any] = []
    for size in (1, 100):
        async with matching_service(await fresh_db("matching"), background=False) as m:
            await apply(m, batches, size)
            results.append((await recorded(m), await outbox_count(m)))
            if size > 1:  # redelivered: every event a duplicate, nothing recorded twice
                duplicates = m.consumer.stats.duplicates
                await apply(m, [batches[1]], size)
                assert m.consumer.stats.duplicates == duplicates + len(batches[1])
                assert (await recorded(m), await outbox_count(m)) == results[-1]
    (one_at_a_time, events_one), (batched, events_batched) = results
    assert set(one_at_a_time) == {str(e.demand_id) for e in demands if isinstance(e, demand_ev.DemandPublished)}
    assert sum(len(sets) for sets in one_at_a_time.values()) == events_one == 18  # 12 published + 6 submitted
    assert any(carriers and experts for sets in one_at_a_time.values() for _, carriers, experts in sets)
    assert batched == one_at_a_time
    assert events_batched == events_one
