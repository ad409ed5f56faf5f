"""The matching read model and suggestions. Never commits."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.matching.scoring import CarrierDoc, DemandDoc, Scored
from services.matching.tables import carrier_profiles, demand_profiles, suggestions


class MatchingRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def upsert_carrier(self, values: dict[str, Any]) -> bool:
        """Insert or update a carrier profile unless a newer version is already stored."""
        existing = (
            await self.conn.execute(
                sa.select(carrier_profiles.c.version).where(carrier_profiles.c.carrier_id == values["carrier_id"])
            )
        ).scalar_one_or_none()
        if existing is None:
            await self.conn.execute(sa.insert(carrier_profiles).values(**values))
            return True
        if existing >= values["version"]:
            return False  # an older event arriving late changes nothing
        await self.conn.execute(
            sa.update(carrier_profiles).where(carrier_profiles.c.carrier_id == values["carrier_id"]).values(**values)
        )
        return True

    async def upsert_demand(self, values: dict[str, Any]) -> None:
        exists = (
            await self.conn.execute(
                sa.select(demand_profiles.c.demand_id).where(demand_profiles.c.demand_id == values["demand_id"])
            )
        ).first()
        if exists:
            await self.conn.execute(
                sa.update(demand_profiles).where(demand_profiles.c.demand_id == values["demand_id"]).values(**values)
            )
        else:
            await self.conn.execute(sa.insert(demand_profiles).values(**values))

    async def get_demand(self, demand_id: uuid.UUID) -> DemandDoc | None:
        r = (
            await self.conn.execute(sa.select(demand_profiles).where(demand_profiles.c.demand_id == demand_id))
        ).first()
        if r is None:
            return None
        return DemandDoc(str(r.demand_id), r.title, r.description, list(r.fields), list(r.keywords), r.city, r.province)

    async def open_demand_ids(self, *, limit: int) -> list[uuid.UUID]:
        rows = await self.conn.execute(
            sa.select(demand_profiles.c.demand_id)
            .where(demand_profiles.c.status.in_(("submitted", "published")))
            .order_by(demand_profiles.c.updated_at.desc())
            .limit(limit)
        )
        return [r.demand_id for r in rows]

    async def active_carriers(self) -> list[CarrierDoc]:
        rows = await self.conn.execute(sa.select(carrier_profiles).where(carrier_profiles.c.status == "active"))
        return [
            CarrierDoc(
                str(r.carrier_id),
                r.name,
                list(r.fields),
                r.capabilities,
                list(r.keywords),
                r.city,
                r.province,
                r.country,
                r.capacity,
            )
            for r in rows
        ]

    async def carrier_names(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        rows = await self.conn.execute(
            sa.select(carrier_profiles.c.carrier_id, carrier_profiles.c.name).where(
                carrier_profiles.c.carrier_id.in_(ids)
            )
        )
        return {r.carrier_id: r.name for r in rows}

    async def save_suggestions(self, set_id: uuid.UUID, demand_id: uuid.UUID, ranked: list[Scored], now: Any) -> None:
        if not ranked:
            return
        await self.conn.execute(
            sa.insert(suggestions),
            [
                {
                    "suggestion_set_id": set_id,
                    "carrier_id": uuid.UUID(s.carrier_id),
                    "demand_id": demand_id,
                    "rank": i + 1,
                    "score": s.score,
                    "components": s.components,
                    "matched_terms": s.matched_terms,
                    "at_capacity": s.at_capacity,
                    "created_at": now,
                }
                for i, s in enumerate(ranked)
            ],
        )

    async def latest_suggestions(self, demand_id: uuid.UUID) -> list[dict[str, Any]]:
        latest = (
            sa.select(suggestions.c.suggestion_set_id)
            .where(suggestions.c.demand_id == demand_id)
            .order_by(suggestions.c.created_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        rows = await self.conn.execute(
            sa.select(suggestions, carrier_profiles.c.name)
            .join(carrier_profiles, carrier_profiles.c.carrier_id == suggestions.c.carrier_id, isouter=True)
            .where(suggestions.c.suggestion_set_id == latest)
            .order_by(suggestions.c.rank)
        )
        return [dict(r._mapping) for r in rows]
