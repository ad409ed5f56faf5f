"""Talent persistence. Receives a connection inside a unit of work; never commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.talent.tables import carriers


class TalentRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add_carrier(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(carriers).values(**values))

    async def get_carrier(self, carrier_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = sa.select(carriers).where(carriers.c.id == carrier_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row else None

    async def save_carrier(self, carrier_id: uuid.UUID, values: dict[str, Any], *, expected_version: int) -> bool:
        result = await self.conn.execute(
            sa.update(carriers)
            .where(carriers.c.id == carrier_id, carriers.c.version == expected_version)
            .values(**values)
        )
        return bool(result.rowcount)

    async def list_carriers(
        self,
        *,
        field: str | None,
        kind: str | None,
        q: str | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        stmt = sa.select(carriers).order_by(carriers.c.created_at.desc(), carriers.c.id.desc())
        if kind:
            stmt = stmt.where(carriers.c.kind == kind)
        if field:
            if self.conn.dialect.name == "postgresql":
                stmt = stmt.where(carriers.c.fields.op("@>")(sa.func.jsonb_build_array(field)))
            else:
                each = sa.func.json_each(carriers.c.fields).table_valued("value")
                stmt = stmt.where(sa.exists(sa.select(1).select_from(each).where(each.c.value == field)))
        if q:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                sa.or_(
                    carriers.c.name_zh.ilike(pattern, escape="\\"),
                    carriers.c.name_en.ilike(pattern, escape="\\"),
                    carriers.c.capabilities.ilike(pattern, escape="\\"),
                )
            )
        if after:
            stmt = stmt.where(sa.tuple_(carriers.c.created_at, carriers.c.id) < sa.tuple_(*after))
        rows = (await self.conn.execute(stmt.limit(limit))).all()
        return [dict(r._mapping) for r in rows]
