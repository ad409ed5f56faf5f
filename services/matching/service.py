"""Matching use cases: keep the read model current and suggest carriers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from services.matching.repository import MatchingRepository
from services.matching.scoring import DEFAULT_WEIGHTS, Scored, rank
from shared.events import demand as demand_ev
from shared.events import matching as ev
from shared.events import talent as talent_ev
from shared.outbox import UnitOfWork, UnitOfWorkFactory


class MatchingService:
    def __init__(self, uow: UnitOfWorkFactory, *, top_k: int = 10) -> None:
        self.uow = uow
        self.top_k = top_k
        self.rematch_limit = 1000  # open demands re-ranked per carrier change, newest first
        self.weights = dict(DEFAULT_WEIGHTS)

    async def carrier_changed(
        self, uow: UnitOfWork, e: talent_ev.CarrierRegistered | talent_ev.CarrierProfileUpdated
    ) -> None:
        """Keep the carrier's profile current, then re-suggest for open demands whose top
        suggestions this change alters (and only those)."""
        updated = isinstance(e, talent_ev.CarrierProfileUpdated)
        repo = MatchingRepository(uow.conn)
        changed = await repo.upsert_carrier(
            {
                "carrier_id": e.carrier_id,
                "name": e.name,
                "kind": e.kind,
                "city": e.city,
                "province": e.province,
                "country": e.country,
                "fields": e.fields,
                "capabilities": e.capabilities,
                "keywords": e.keywords,
                "capacity": e.capacity,
                "status": e.status if isinstance(e, talent_ev.CarrierProfileUpdated) else "active",
                "version": e.version if isinstance(e, talent_ev.CarrierProfileUpdated) else 1,
                "updated_at": e.updated_at if updated else e.registered_at,  # type: ignore[union-attr]
            }
        )
        if not changed:
            return
        carriers = await repo.active_carriers()
        for demand_id in await repo.open_demand_ids(limit=self.rematch_limit):
            demand = await repo.get_demand(demand_id)
            if demand is None:
                continue
            ranked = rank(demand, carriers, weights=self.weights, top_k=self.top_k)
            current = [(str(r["carrier_id"]), r["rank"]) for r in await repo.latest_suggestions(demand_id)]
            if [(s.carrier_id, i + 1) for i, s in enumerate(ranked)] != current:
                await self._record(uow, demand_id, ranked)

    async def demand_open(self, uow: UnitOfWork, e: demand_ev.DemandSubmitted | demand_ev.DemandPublished) -> None:
        """A demand became open for matching: remember it and suggest carriers."""
        status = "published" if isinstance(e, demand_ev.DemandPublished) else "submitted"
        await MatchingRepository(uow.conn).upsert_demand(
            {
                "demand_id": e.demand_id,
                "enterprise_id": e.enterprise_id,
                "title": e.title,
                "description": e.description,
                "fields": e.fields,
                "keywords": e.keywords,
                "demand_type": e.demand_type,
                "budget": e.budget,
                "province": e.province,
                "city": e.city,
                "status": status,
                "updated_at": datetime.now(UTC),
            }
        )
        await self.suggest(uow, e.demand_id)

    async def suggest(self, uow: UnitOfWork, demand_id: uuid.UUID) -> list[dict[str, Any]]:
        repo = MatchingRepository(uow.conn)
        demand = await repo.get_demand(demand_id)
        if demand is None:
            return []
        ranked = rank(demand, await repo.active_carriers(), weights=self.weights, top_k=self.top_k)
        return await self._record(uow, demand_id, ranked)

    async def _record(self, uow: UnitOfWork, demand_id: uuid.UUID, ranked: list[Scored]) -> list[dict[str, Any]]:
        set_id, now = uuid.uuid4(), datetime.now(UTC)
        await MatchingRepository(uow.conn).save_suggestions(set_id, demand_id, ranked, now)
        uow.emit(
            ev.MatchesSuggested(
                demand_id=demand_id,
                suggestion_set_id=set_id,
                suggested_at=now,
                carriers=[
                    ev.SuggestedCarrier(
                        carrier_id=uuid.UUID(s.carrier_id),
                        rank=i + 1,
                        score=s.score,
                        components=s.components,
                        matched_terms=s.matched_terms,
                    )
                    for i, s in enumerate(ranked)
                ],
            )
        )
        return [{"carrier_id": s.carrier_id, "score": s.score} for s in ranked]

    async def suggestions_for(self, demand_id: uuid.UUID) -> dict[str, Any] | None:
        async with self.uow.engine.connect() as conn:
            repo = MatchingRepository(conn)
            if await repo.get_demand(demand_id) is None:
                return None
            rows = await repo.latest_suggestions(demand_id)
        return {
            "demand_id": demand_id,
            "suggestion_set_id": rows[0]["suggestion_set_id"] if rows else None,
            "suggested_at": rows[0]["created_at"] if rows else None,
            "carriers": [
                {
                    "carrier_id": r["carrier_id"],
                    "name": r["name"],
                    "rank": r["rank"],
                    "score": r["score"],
                    "components": r["components"],
                    "matched_terms": r["matched_terms"],
                    "at_capacity": r["at_capacity"],
                }
                for r in rows
            ],
        }
