"""Two processes of the matching service in one consumer group split the partitions and together
suggest what one process would; a process joining and one leaving in the middle of a burst
(two rebalances) lose nothing and duplicate nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from services.matching.tests.integration.support import (
    Matching,
    carrier_registered,
    demand_published,
    matching_service,
)
from services.matching.tests.integration.test_read_model_and_suggestions import BATTERY, CELL_LAB, WATER, FreshDb
from shared.events.base import DomainEvent
from shared.testing import consumer_group_settled, wait_for

FIELDS = (["energy.batteries"], ["environment.water"], ["energy.batteries", "environment.water"])


def burst(n: int) -> list[DomainEvent]:
    return [
        demand_published(title=f"需求{i}", description="固态电解质与废水处理", fields=FIELDS[i % len(FIELDS)])
        for i in range(n)
    ]


def suggested(payloads: list[dict[str, Any]]) -> dict[str, list[tuple[str, int, float]]]:
    """Each demand's suggested carriers (id, rank, score), from the MatchesSuggested it emitted."""
    return {
        p["data"]["demand_id"]: [(c["carrier_id"], c["rank"], c["score"]) for c in p["data"]["carriers"]]
        for p in payloads
    }


async def applied_count(m: Matching, n: int) -> int:
    return len(await m.outbox("MatchesSuggested"))


async def test_two_processes_split_the_partitions_and_survive_rebalances_mid_burst(fresh_db: FreshDb) -> None:
    carriers = [carrier_registered(**BATTERY), carrier_registered(**CELL_LAB), carrier_registered(**WATER)]
    first, second = burst(40), burst(40)
    url = await fresh_db("matching")
    async with matching_service(url) as a:
        await a.wait_applied(*await a.publish(*carriers))
        # As if restarted: its index built from the read model, as the joining process builds its own
        # (an index grown one profile at a time scores slightly differently: its norms drift).
        await a.svc.start()
        await a.publish(*first)
        await wait_for(lambda: applied_count(a, 1), timeout_s=30, what="the burst to start")
        # A second process joins in the middle of the burst: the group rebalances.
        async with matching_service(url, alongside=a) as b:
            # Once the group has settled on two members, each owns partitions the second burst's keys
            # fall on (else the first could apply the whole burst before the second is assigned any).
            await wait_for(
                lambda: consumer_group_settled(a.consumer.group, 2), timeout_s=90, what="the group to settle"
            )
            await a.publish(*second)

            async def b_applied_some() -> bool:
                return b.consumer.stats.applied > 0

            await wait_for(b_applied_some, timeout_s=60, what="the second process to take partitions")
        # ... and leaves before the burst is over (another rebalance): the first one takes the rest.
        together = await a.outbox("MatchesSuggested")

        async def all_answered() -> bool:
            nonlocal together
            together = await a.outbox("MatchesSuggested")
            return len({p["data"]["demand_id"] for p in together}) == len(first) + len(second)

        await wait_for(all_answered, timeout_s=90, what="every demand of the burst to be suggested")
        assert a.consumer.stats.applied > 0 and b.consumer.stats.applied > 0  # the work was split
    # Nothing lost, nothing duplicated: one suggestion per demand, each event applied once.
    per_demand = Counter(p["data"]["demand_id"] for p in together)
    assert set(per_demand) == {str(e.demand_id) for e in (*first, *second)}  # type: ignore[attr-defined]
    assert max(per_demand.values()) == 1, per_demand.most_common(3)

    # One process alone, the same events: the same suggestions.
    async with matching_service(await fresh_db("matching")) as alone:
        await alone.wait_applied(*await alone.publish(*carriers))
        await alone.svc.start()
        await alone.wait_applied(*await alone.publish(*first, *second))
        assert suggested(await alone.outbox("MatchesSuggested")) == suggested(together)
