"""Talent use cases: each one unit of work (one transaction, events in the outbox)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from services.talent.repository import TalentRepository
from services.talent.schemas import CarrierCreate
from shared.events import talent as ev
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pagination import decode_cursor, encode_cursor
from shared.problems import NotFound, Problem


def _display_name(c: dict[str, Any]) -> str:
    return str(c.get("name_zh") or c.get("name_en") or "")


class TalentService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    async def register_carrier(self, uow: UnitOfWork, data: CarrierCreate) -> dict[str, Any]:
        now = datetime.now(UTC)
        values = {
            **data.model_dump(mode="json"),
            "id": uuid.uuid4(),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        await TalentRepository(uow.conn).add_carrier(values)
        uow.emit(
            ev.CarrierRegistered(
                carrier_id=values["id"],
                kind=data.kind.value,
                name=_display_name(values),
                city=data.city,
                province=data.province,
                country=data.country,
                fields=data.fields,
                capabilities=data.capabilities,
                keywords=data.keywords,
                capacity=data.capacity,
                registered_at=now,
            )
        )
        return values

    async def update_carrier(self, carrier_id: uuid.UUID, data: CarrierCreate, *, if_match: int) -> dict[str, Any]:
        async with self.uow() as uow:
            repo = TalentRepository(uow.conn)
            current = await repo.get_carrier(carrier_id, for_update=True)
            if current is None:
                raise NotFound("carrier", carrier_id)
            if current["version"] != if_match:
                raise Problem(
                    412,
                    "precondition-failed",
                    f"carrier is at version {current['version']}, not {if_match}",
                    current_version=current["version"],
                )
            now = datetime.now(UTC)
            values = {**data.model_dump(mode="json"), "version": if_match + 1, "updated_at": now}
            if not await repo.save_carrier(carrier_id, values, expected_version=if_match):
                raise Problem(412, "precondition-failed", "the carrier changed meanwhile; reload and retry")
            updated = {**current, **values}
            uow.emit(
                ev.CarrierProfileUpdated(
                    carrier_id=carrier_id,
                    kind=data.kind.value,
                    name=_display_name(updated),
                    city=data.city,
                    province=data.province,
                    country=data.country,
                    fields=data.fields,
                    capabilities=data.capabilities,
                    keywords=data.keywords,
                    capacity=data.capacity,
                    status=data.status.value,
                    version=if_match + 1,
                    updated_at=now,
                )
            )
            return updated

    async def get_carrier(self, carrier_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.engine.connect() as conn:
            c = await TalentRepository(conn).get_carrier(carrier_id)
        if c is None:
            raise NotFound("carrier", carrier_id)
        return c

    async def list_carriers(
        self, *, field: str | None, kind: str | None, q: str | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = None
        if cursor:
            vals = decode_cursor(cursor)
            after = (datetime.fromisoformat(vals[0]), uuid.UUID(vals[1]))
        async with self.uow.engine.connect() as conn:
            rows = await TalentRepository(conn).list_carriers(field=field, kind=kind, q=q, after=after, limit=limit + 1)
        nxt = None
        if len(rows) > limit:
            rows = rows[:limit]
            nxt = encode_cursor([rows[-1]["created_at"].isoformat(), str(rows[-1]["id"])])
        return rows, nxt
