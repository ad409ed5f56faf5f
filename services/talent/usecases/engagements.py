"""The track record, from other services' events: accepted matches, signed, completed and
terminated contracts engage and release project managers and count what carriers did."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.talent.domain import (
    CONTRACTOR_ROLE,
    PROJECT_MANAGER_ROLE,
    AssignmentStatus,
    TargetType,
)
from services.talent.repository import (
    TalentRepository,
)
from services.talent.tables import carriers, people
from services.talent.usecases.assignments import Assignments
from services.talent.usecases.common import (
    CLOSED_CONTRACT,
    DEMAND_LOCKS,
)
from shared import locks
from shared.events import contracts as contract_ev
from shared.events import matching as matching_ev
from shared.outbox import UnitOfWork


class Engagements(Assignments):
    # == track record, from other services' events ==========================================================
    async def match_accepted(self, uow: UnitOfWork, e: matching_ev.MatchAccepted) -> None:
        """Remember who brokers which demand with which carrier (the contract's project manager
        when the contract does not name one), and count the carrier's accepted matches. Events
        of two topics have no order between them: when a contract of this demand was signed
        first, its project manager is now known and takes it on. The match and the contracts of
        one demand take turns (a lock on the demand): applied at the same time, each would miss
        the other."""
        await locks.hold(uow.conn, DEMAND_LOCKS, e.demand_id)
        repo = TalentRepository(uow.conn)
        new = await repo.add_match(
            {
                "match_id": e.match_id,
                "demand_id": e.demand_id,
                "carrier_id": e.carrier_id,
                "project_manager_id": e.project_manager_id,
                "accepted_at": e.accepted_at,
            }
        )
        if not new:
            return
        await repo.count_match_accepted(e.carrier_id)
        pm = e.project_manager_id
        if pm is None:
            return
        made: list[dict[str, Any]] = []
        for record in await repo.signed_contracts_without_manager(e.demand_id):
            await repo.update_contract(
                record["contract_id"], {"project_manager_id": pm, "updated_at": datetime.now(UTC)}
            )
            made += await self._engage_project_manager(
                uow, repo, pm, record["contract_id"], e.demand_id, record["signed_at"] or e.accepted_at
            )
        await self._refresh_loads(uow, repo, carrier_ids=[], person_ids=[pm] if made else [], now=datetime.now(UTC))

    async def _engage_project_manager(
        self,
        uow: UnitOfWork,
        repo: TalentRepository,
        pm: uuid.UUID,
        contract_id: uuid.UUID,
        demand_id: uuid.UUID | None,
        at: datetime,
    ) -> list[dict[str, Any]]:
        """Put the project manager on the contract unless they are on it (or on its demand) already."""
        if not await repo.existing_ids(people, [pm]):
            return []
        await repo.lock_rows(people, [pm])
        targets = [(TargetType.CONTRACT.value, contract_id)]
        if demand_id is not None:
            targets.append((TargetType.DEMAND.value, demand_id))
        if await repo.active_assignment(person_id=pm, carrier_id=None, targets=targets):
            return []
        values = self._engagement(pm, None, contract_id, PROJECT_MANAGER_ROLE, at)
        await repo.add_assignment(values)
        uow.emit(self._assignment_made(values))
        return [values]

    async def contract_signed(self, uow: UnitOfWork, e: contract_ev.ContractSigned) -> None:
        """The carrier takes on the contract (load +1) and so does its project manager, when known.
        A re-signed contract (a later version) changes its value, not the loads."""
        await locks.hold(uow.conn, DEMAND_LOCKS, e.demand_id)
        repo = TalentRepository(uow.conn)
        record = await repo.get_contract(e.contract_id, for_update=True)
        first_signature = record is None
        pm = e.project_manager_id
        if pm is None and e.demand_id is not None:
            pm = await repo.project_manager_of_demand(e.demand_id, e.carrier_id)
        if record is None:
            await repo.add_contract(
                {
                    "contract_id": e.contract_id,
                    "demand_id": e.demand_id,
                    "carrier_id": e.carrier_id,
                    "project_manager_id": pm,
                    "value": e.value,
                    "status": "signed",
                    "signed_at": e.signed_at,
                    "closed_at": None,
                    "updated_at": datetime.now(UTC),
                }
            )
        elif record["status"] in CLOSED_CONTRACT:
            return  # it already ended; a late signature changes nothing
        else:
            await repo.update_contract(
                e.contract_id,
                {
                    "value": e.value,
                    "project_manager_id": record["project_manager_id"] or pm,
                    "updated_at": datetime.now(UTC),
                },
            )
            pm = pm if record["project_manager_id"] is None else None
        targets = [(TargetType.CONTRACT.value, e.contract_id)]
        if e.demand_id is not None:
            targets.append((TargetType.DEMAND.value, e.demand_id))
        carrier_known = first_signature and bool(await repo.existing_ids(carriers, [e.carrier_id]))
        await repo.lock_rows(carriers, [e.carrier_id] if carrier_known else [])
        made: list[dict[str, Any]] = []
        # Signed contracts are facts: they count even when they exceed a capacity.
        if carrier_known and not await repo.active_assignment(person_id=None, carrier_id=e.carrier_id, targets=targets):
            values = self._engagement(None, e.carrier_id, e.contract_id, CONTRACTOR_ROLE, e.signed_at)
            await repo.add_assignment(values)
            uow.emit(self._assignment_made(values))
            made.append(values)
        if pm is not None:
            made += await self._engage_project_manager(uow, repo, pm, e.contract_id, e.demand_id, e.signed_at)
        await self._refresh_loads(
            uow,
            repo,
            carrier_ids=[v["carrier_id"] for v in made],
            person_ids=[v["person_id"] for v in made],
            now=datetime.now(UTC),
        )

    @staticmethod
    def _engagement(
        person_id: uuid.UUID | None, carrier_id: uuid.UUID | None, contract_id: uuid.UUID, role: str, at: datetime
    ) -> dict[str, Any]:
        return {
            "id": uuid.uuid4(),
            "person_id": person_id,
            "carrier_id": carrier_id,
            "target_type": TargetType.CONTRACT.value,
            "target_id": contract_id,
            "role": role,
            "status": AssignmentStatus.ACTIVE.value,
            "source": "contract_signed",
            "made_by": "contracts",
            "made_at": at,
            "released_at": None,
            "release_reason": None,
            "version": 1,
        }

    async def contract_completed(self, uow: UnitOfWork, e: contract_ev.ContractCompleted) -> None:
        await self._contract_closed(
            uow,
            contract_id=e.contract_id,
            demand_id=e.demand_id,
            carrier_id=e.carrier_id,
            project_manager_id=e.project_manager_id,
            value=e.value,
            status="completed",
            at=e.completed_at,
        )

    async def contract_terminated(self, uow: UnitOfWork, e: contract_ev.ContractTerminated) -> None:
        await self._contract_closed(
            uow,
            contract_id=e.contract_id,
            demand_id=e.demand_id,
            carrier_id=e.carrier_id,
            project_manager_id=None,
            value=None,
            status="terminated",
            at=e.terminated_at,
        )

    async def _contract_closed(
        self,
        uow: UnitOfWork,
        *,
        contract_id: uuid.UUID,
        demand_id: uuid.UUID | None,
        carrier_id: uuid.UUID,
        project_manager_id: uuid.UUID | None,
        value: Decimal | None,
        status: str,
        at: datetime,
    ) -> None:
        """Release everyone on the contract (and on its demand, unless another contract of that
        demand is still in force); a completion also credits the contract to its carrier and
        to every person who worked on it."""
        repo = TalentRepository(uow.conn)
        record = await repo.get_contract(contract_id, for_update=True)
        if record is not None and record["status"] in CLOSED_CONTRACT:
            return  # already closed by an earlier event
        demand_id = demand_id or (record["demand_id"] if record else None)
        pm = project_manager_id or (record["project_manager_id"] if record else None)
        now = datetime.now(UTC)
        closed = {"status": status, "closed_at": at, "updated_at": now}
        if value is not None:
            closed["value"] = value
        if record is None:
            await repo.add_contract(
                {
                    "contract_id": contract_id,
                    "demand_id": demand_id,
                    "carrier_id": carrier_id,
                    "project_manager_id": pm,
                    "value": value,
                    "signed_at": None,
                    **closed,
                }
            )
        else:
            await repo.update_contract(contract_id, closed)
        targets = [(TargetType.CONTRACT.value, contract_id)]
        if demand_id is not None and not await repo.other_contract_in_force(demand_id, contract_id):
            targets.append((TargetType.DEMAND.value, demand_id))
        active = await repo.active_assignments_on(targets)
        carrier_ids = {a["carrier_id"] for a in active if a["carrier_id"] is not None}
        person_ids = {a["person_id"] for a in active if a["person_id"] is not None}
        await repo.lock_rows(carriers, carrier_ids | {carrier_id})
        await repo.lock_rows(people, person_ids | ({pm} if pm else set()))
        reason = f"contract_{status}"
        await repo.release_assignments([a["id"] for a in active], reason=reason, now=at)
        for a in active:
            uow.emit(self._assignment_released(a, reason, at))
        if status == "completed" and value is not None:
            credited_carriers = await repo.existing_ids(carriers, [carrier_id])
            credited_people = await repo.existing_ids(people, person_ids | ({pm} if pm else set()))
            await repo.credit_completion(carriers, sorted(credited_carriers), value)
            await repo.credit_completion(people, sorted(credited_people), value)
        await self._refresh_loads(uow, repo, carrier_ids=carrier_ids, person_ids=person_ids, now=now)
