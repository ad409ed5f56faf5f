"""Consumed events: keep matching's read model (profiles, capacities, demands, contracts, access
grants) current, and re-suggest for the open demands a change affects (and only those).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from services.matching.repository import (
    OPEN_STATUSES,
    MatchingRepository,
    carrier_doc,
    merge_contract,
    merge_opened,
    merge_status,
)
from services.matching.usecases.index_sync import CARRIERS, EXPERTS
from services.matching.usecases.suggestions import Suggestions, consumed_batch, renders_views
from shared.events import contracts as contract_ev
from shared.events import demand as demand_ev
from shared.events import talent as talent_ev
from shared.outbox import UnitOfWork


class ReadModel(Suggestions):
    # -- consumed events: the read model -------------------------------------------------------
    @renders_views
    async def carrier_changed(
        self, uow: UnitOfWork, e: talent_ev.CarrierRegistered | talent_ev.CarrierProfileUpdated
    ) -> None:
        """Keep the carrier's profile current, then re-suggest for open demands whose top
        suggestions this change alters (and only those)."""
        updated = isinstance(e, talent_ev.CarrierProfileUpdated)
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        # The demands of its completed contracts are locked with it, all at once and in one order:
        # its track record takes their fields, so a demand opening at the same moment then sees the
        # carrier, or this sees the demand (locking the carrier alone, each missed the other).
        # (A rebuild recomputes every track record at its end: it locks the carrier alone.)
        await repo.serialise(
            e.carrier_id, *([] if self.replaying else await repo.demands_of_completed_contracts(e.carrier_id))
        )
        now = datetime.now(UTC)
        changed, renamed = await repo.upsert_carrier(
            {
                "carrier_id": e.carrier_id,
                "name": e.name,
                "name_en": e.name_en,
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
            },
            now,
        )
        if renamed and not self.replaying:
            self.views_changed(await repo.views_showing(carrier_id=e.carrier_id))
        if changed:
            await self._carrier_row_changed(uow, repo, e.carrier_id, trigger="profile_changed")

    async def _carrier_row_changed(
        self, uow: UnitOfWork, repo: MatchingRepository, carrier_id: uuid.UUID, *, trigger: str
    ) -> None:
        if self.replaying:
            return
        row = await repo.carrier_row(carrier_id)
        if row is None:
            return
        cid = str(carrier_id)
        was_indexed = cid in self.carriers
        doc = self._index_carrier_row(row)
        # Its people take its place, kind and track record.
        for person in await repo.people_of(carrier_id):
            self._index_person_row(person, carrier_doc(row))
        if doc is None and not was_indexed:
            return
        affected = (
            self.demands.affected_by(CARRIERS, doc, self.carriers, self.weights)
            if doc is not None
            else sorted(d for d, top in self.demands.tops[CARRIERS].items() if cid in top.members)
        )
        await self._rematch(uow, repo, affected, trigger)

    @renders_views
    async def person_changed(
        self, uow: UnitOfWork, e: talent_ev.PersonRegistered | talent_ev.PersonProfileUpdated
    ) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        await repo.serialise(e.person_id, e.carrier_id)
        updated = isinstance(e, talent_ev.PersonProfileUpdated)
        changed, renamed = await repo.upsert_person(
            {
                "person_id": e.person_id,
                "name": e.name,
                "name_en": e.name_en,
                "roles": e.roles,
                "carrier_id": e.carrier_id,
                "university": e.university,
                "fields": e.fields,
                "keywords": e.keywords,
                "languages": e.languages,
                "capacity": e.capacity,
                "status": e.status if isinstance(e, talent_ev.PersonProfileUpdated) else "active",
                "version": e.version if isinstance(e, talent_ev.PersonProfileUpdated) else 1,
                "updated_at": e.updated_at if updated else e.registered_at,  # type: ignore[union-attr]
            },
            datetime.now(UTC),
        )
        if renamed and not self.replaying:
            self.views_changed(await repo.views_showing(person_id=e.person_id))
        if changed:
            await self._person_row_changed(uow, repo, e.person_id, trigger="profile_changed")

    async def _person_row_changed(
        self, uow: UnitOfWork, repo: MatchingRepository, person_id: uuid.UUID, *, trigger: str
    ) -> None:
        if self.replaying:
            return
        row = await repo.person_row(person_id)
        if row is None:
            return
        pid = str(person_id)
        was_indexed = pid in self.experts
        carrier = await repo.get_carrier(row.carrier_id) if row.carrier_id else None
        doc = self._index_person_row(row, carrier)
        if doc is None and not was_indexed:
            return
        affected = (
            self.demands.affected_by(EXPERTS, doc, self.experts, self.settings.weights_for_experts)
            if doc is not None
            else sorted(d for d, top in self.demands.tops[EXPERTS].items() if pid in top.members)
        )
        await self._rematch(uow, repo, affected, trigger)

    @renders_views
    async def capacity_changed(self, uow: UnitOfWork, e: talent_ev.CapacityChanged) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        await repo.serialise(e.subject_id)
        applied = await repo.apply_capacity(
            e.subject_type, e.subject_id, e.capacity, e.active_load, e.changed_at, datetime.now(UTC)
        )
        if not applied:
            return  # stale, or the profile is not known yet (it will pick the state up)
        if e.subject_type == "carrier":
            await self._carrier_row_changed(uow, repo, e.subject_id, trigger="capacity_changed")
        else:
            await self._person_row_changed(uow, repo, e.subject_id, trigger="capacity_changed")

    @renders_views
    async def demand_open(self, uow: UnitOfWork, e: demand_ev.DemandSubmitted | demand_ev.DemandPublished) -> None:
        """A demand became open for matching: remember it and suggest carriers and experts."""
        published = isinstance(e, demand_ev.DemandPublished)
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        now = datetime.now(UTC)
        values = {
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
            "trl_current": e.trl_current,
            "trl_target": e.trl_target,
            "center_id": e.center_id,
            "deadline": e.deadline,
            "confidentiality": e.confidentiality,
            "status": "published" if published else "submitted",
            "published_at": e.published_at if published else None,  # type: ignore[union-attr]
            "updated_at": now,
        }
        if self.replaying and (batch := consumed_batch()) is not None:
            # A rebuild writes the demands a batch opens at once (``write_batched``) and recomputes
            # every track record at its end.
            batch.opened[e.demand_id] = merge_opened(batch.opened.get(e.demand_id), values)
            return
        batch = consumed_batch()
        if batch is None or e.demand_id not in batch.contracted:
            await repo.serialise(e.demand_id)  # else locked with its batch's (``opening``)
        [row] = await repo.upsert_demands([values], now)
        if self.replaying:
            return  # a rebuild recomputes every track record at its end
        # A contract for this demand may have been seen first (another topic): its track
        # record entry takes the demand's fields now.
        contracted = (
            batch.contracted[e.demand_id]
            if batch is not None and e.demand_id in batch.contracted
            else (await repo.carriers_with_completed_contracts_for([e.demand_id]))[e.demand_id]
        )
        for carrier_id in contracted:
            if await repo.refresh_track(carrier_id, now):
                await self._carrier_row_changed(uow, repo, carrier_id, trigger="track_record_changed")
        if self._index_demand_row(row) is None:
            return  # already past open (a late event): nothing to suggest
        await self.suggest(uow, e.demand_id, trigger="demand_published" if published else "demand_submitted")

    async def opening(self, uow: UnitOfWork, demand_ids: Sequence[uuid.UUID]) -> None:
        """The live consumer's batch is about to open these demands: lock them all at once, then
        read the carriers of their completed contracts with one query (a contract applied after
        the lock waits for the batch, and then sees the demands)."""
        batch = consumed_batch()
        if self.replaying or batch is None or not demand_ids:
            return
        repo = MatchingRepository(uow.conn)
        await repo.serialise(*demand_ids)
        batch.contracted.update(await repo.carriers_with_completed_contracts_for(sorted(set(demand_ids))))

    async def write_batched(self, uow: UnitOfWork) -> None:
        """Write what the running batch of a rebuild deferred (at the batch's end, and before any
        event of it that reads these rows is applied), a statement per table: the demands it
        opened (locked and upserted), the statuses they moved to, the contracts it recorded."""
        batch = consumed_batch()
        if batch is None or not (batch.opened or batch.statuses or batch.contracts):
            return
        opened, batch.opened = list(batch.opened.values()), {}
        statuses, batch.statuses = batch.statuses, {}
        contracts, batch.contracts = list(batch.contracts.values()), {}
        repo = MatchingRepository(uow.conn)
        now = datetime.now(UTC)
        await repo.serialise(
            *(r["demand_id"] for r in opened), *(k for c in contracts for k in (c["demand_id"], c["carrier_id"]))
        )
        if opened:
            await repo.upsert_demands(opened, now)
        await repo.move_statuses(statuses, now)  # after the openings: a status moves only forward
        if contracts:
            await repo.upsert_contracts(contracts)

    @renders_views
    async def demand_updated(self, uow: UnitOfWork, e: demand_ev.DemandUpdated) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        changes = _demand_changes(e.changed)
        now = datetime.now(UTC)
        if not await repo.update_demand(e.demand_id, changes, e.version, now) or self.replaying:
            return
        row = await repo.demand_row(e.demand_id)
        if self._index_demand_row(row) is not None:
            await self.suggest(uow, e.demand_id, trigger="demand_updated", only_if_changed=True)

    async def demand_status(self, uow: UnitOfWork, demand_id: uuid.UUID, status: str) -> None:
        if self.replaying and (batch := consumed_batch()) is not None:
            batch.statuses[demand_id] = merge_status(batch.statuses.get(demand_id), status)  # ``write_batched``
            return
        repo = MatchingRepository(uow.conn)
        if await repo.set_demand_status(demand_id, status, datetime.now(UTC)) and status not in OPEN_STATUSES:
            self.demands.remove(str(demand_id))

    async def access_granted(self, uow: UnitOfWork, e: demand_ev.DemandAccessGranted) -> None:
        """A carrier may now see a confidential demand in full, here too: what is derived from
        its details (matched terms, scores, explanations) included. The stored views hold
        everything; each read shows the caller what the visibility table lets it see."""
        await MatchingRepository(uow.conn).grant_access(e.demand_id, e.carrier_id, e.granted_at)

    async def access_revoked(self, uow: UnitOfWork, e: demand_ev.DemandAccessRevoked) -> None:
        await MatchingRepository(uow.conn).revoke_access(e.demand_id, e.carrier_id)

    @renders_views
    async def contract_changed(
        self,
        uow: UnitOfWork,
        e: contract_ev.ContractSigned | contract_ev.ContractCompleted | contract_ev.ContractTerminated,
    ) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        status = {
            contract_ev.ContractSigned: "signed",
            contract_ev.ContractCompleted: "completed",
            contract_ev.ContractTerminated: "terminated",
        }[type(e)]
        values: dict[str, Any] = {
            "contract_id": e.contract_id,
            "demand_id": e.demand_id,
            "enterprise_id": e.enterprise_id,
            "carrier_id": e.carrier_id,
            "status": status,
            "value": getattr(e, "value", Decimal("0")),
            "signed_at": e.signed_at if isinstance(e, contract_ev.ContractSigned) else None,
            "completed_at": e.completed_at if isinstance(e, contract_ev.ContractCompleted) else None,
        }
        if isinstance(e, contract_ev.ContractTerminated):
            values.pop("value")
            values["value"] = Decimal("0")
        if self.replaying and (batch := consumed_batch()) is not None:
            # A rebuild writes the contracts of a batch at once (``write_batched``) and recomputes
            # every track record at its end.
            batch.contracts[e.contract_id] = merge_contract(batch.contracts.get(e.contract_id), values)
            return
        await repo.serialise(e.demand_id, e.carrier_id)
        if not await repo.record_contract(values):
            return
        if self.replaying:
            return  # a rebuild recomputes every track record at its end
        if status == "completed" and await repo.refresh_track(e.carrier_id, datetime.now(UTC)):
            await self._carrier_row_changed(uow, repo, e.carrier_id, trigger="track_record_changed")


_DEMAND_TEXT_FIELDS = (
    "title",
    "description",
    "fields",
    "keywords",
    "demand_type",
    "province",
    "city",
    "confidentiality",
)


def _demand_changes(changed: dict[str, object]) -> dict[str, Any]:
    """The part of a ``DemandUpdated.changed`` that matching keeps, typed for its columns."""
    out: dict[str, Any] = {k: changed[k] for k in _DEMAND_TEXT_FIELDS if k in changed}
    for k in ("trl_current", "trl_target"):
        if k in changed:
            v = changed[k]
            out[k] = int(v) if isinstance(v, int | str) and str(v).strip() else None
    if "budget" in changed:
        try:
            out["budget"] = Decimal(str(changed["budget"])) if changed["budget"] is not None else None
        except InvalidOperation:
            pass
    if "center_id" in changed:
        out["center_id"] = uuid.UUID(str(changed["center_id"])) if changed["center_id"] else None
    if "deadline" in changed:
        v = changed["deadline"]
        out["deadline"] = datetime.fromisoformat(str(v)) if v else None
    return out
