"""Demand use cases: each one unit of work (one transaction, events in the outbox)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from services.demand import domain
from services.demand.domain import Demand, DemandAction, DemandStatus, IllegalTransition
from services.demand.repository import (
    DEMAND_WITH_GRANT,
    DemandFilters,
    DemandRepository,
    Viewer,
    demand_from_record,
)
from services.demand.schemas import CenterCreate, DemandCreate, EnterpriseCreate
from shared.events import contracts as contracts_ev
from shared.events import demand as ev
from shared.events import matching as matching_ev
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pagination import keyset_cursor, page, parse_keyset_cursor
from shared.pgread import Reader
from shared.problems import Conflict, NotFound, Problem, illegal_transition
from shared.visibility import Sight

log = logging.getLogger(__name__)


def _full_view(d: Demand, viewer: Viewer, granted: set[uuid.UUID]) -> bool:
    return d.sight(viewer.relation(d.enterprise_id), granted=d.id in granted) is Sight.FULL


def transition_problem(exc: IllegalTransition) -> Problem:
    return illegal_transition(str(exc), exc.status.value, exc.allowed)


class DemandService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self.reader = Reader(uow)

    # -- enterprises ----------------------------------------------------------------------
    async def register_enterprise(self, uow: UnitOfWork, data: EnterpriseCreate) -> dict[str, Any]:
        repo = DemandRepository(uow.conn)
        existing = await repo.enterprise_by_credit_code(data.credit_code)
        if existing:
            raise Conflict(
                f"an enterprise with credit code {data.credit_code} is already registered",
                slug="duplicate-credit-code",
                existing_id=str(existing),
            )
        now = uow.now()
        values = {
            **data.model_dump(mode="json"),
            "id": uuid.uuid4(),
            "version": 1,
            "created_at": now,
        }
        try:
            await repo.add_enterprise(values)
        except IntegrityError as exc:  # a concurrent registration of the same code won
            raise Conflict(
                f"an enterprise with credit code {data.credit_code} is already registered", slug="duplicate-credit-code"
            ) from exc
        uow.emit(
            ev.EnterpriseRegistered(
                enterprise_id=values["id"],
                name=data.name_zh or data.name_en or "",
                credit_code=data.credit_code,
                province=data.province,
                city=data.city,
                industry_code=data.industry_code,
                registered_at=now,
            )
        )
        return values

    async def get_enterprise(self, enterprise_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.read() as conn:
            ent = await DemandRepository(conn).get_enterprise(enterprise_id)
        if ent is None:
            raise NotFound("enterprise", enterprise_id)
        return ent

    async def list_enterprises(self, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
        return await self._newest_first("enterprises", cursor, limit)

    async def list_centers(self, cursor: str | None, limit: int | None) -> tuple[list[dict[str, Any]], str | None]:
        """Every joint innovation center, newest first (``limit`` None: all of them, for an export)."""
        return await self._newest_first("centers", cursor, limit)

    async def _newest_first(
        self, kind: str, cursor: str | None, limit: int | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = None
        if cursor:
            at, ident = parse_keyset_cursor(cursor, kind, datetime)
            if not isinstance(at, datetime):
                raise Problem(400, "bad-cursor", "the cursor is not one this list gave out")
            after = (at, ident)
        async with self.uow.read() as conn:
            repo = DemandRepository(conn)
            lister = repo.list_centers if kind == "centers" else repo.list_enterprises
            rows = await lister(after=after, limit=None if limit is None else limit + 1)
        if limit is None:
            return rows, None
        return page(rows, limit, lambda r: keyset_cursor(kind, r["created_at"], r["id"]))

    # -- centers --------------------------------------------------------------------------
    async def establish_center(self, uow: UnitOfWork, enterprise_id: uuid.UUID, data: CenterCreate) -> dict[str, Any]:
        repo = DemandRepository(uow.conn)
        if await repo.get_enterprise(enterprise_id) is None:
            raise NotFound("enterprise", enterprise_id)
        now = uow.now()
        values = {**data.model_dump(), "id": uuid.uuid4(), "enterprise_id": enterprise_id, "created_at": now}
        await repo.add_center(values)
        uow.emit(
            ev.JointInnovationCenterEstablished(
                center_id=values["id"],
                enterprise_id=enterprise_id,
                name=data.name,
                established_on=data.established_on.isoformat(),
                committed_funding=data.committed_funding,
            )
        )
        return values

    async def centers_of(self, enterprise_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.uow.read() as conn:
            repo = DemandRepository(conn)
            if await repo.get_enterprise(enterprise_id) is None:
                raise NotFound("enterprise", enterprise_id)
            return await repo.centers_of(enterprise_id)

    # -- demands --------------------------------------------------------------------------
    async def create_demand(self, uow: UnitOfWork, data: DemandCreate) -> Demand:
        repo = DemandRepository(uow.conn)
        if data.center_id is not None:
            center = await repo.get_center(data.center_id)
            if center is None or center["enterprise_id"] != data.enterprise_id:
                raise Problem(
                    422,
                    "unknown-center",
                    f"center {data.center_id} is not a joint innovation center of this enterprise",
                    errors=[{"field": "center_id", "message": "not a center of this enterprise"}],
                )
        attrs = data.model_dump(exclude={"submit"})
        attrs["contact"] = data.contact.model_dump(exclude_none=True)
        demand = Demand.create(now=uow.now(), submit=data.submit, **attrs)
        # Written at commit with its events, in one statement; the foreign key checks the
        # enterprise, so the hot path spends no round trip on it.
        DemandRepository.add_demand(
            uow,
            demand,
            on_integrity_error=Problem(
                422,
                "unknown-enterprise",
                f"enterprise {data.enterprise_id} is not registered",
                errors=[{"field": "enterprise_id", "message": "not registered"}],
            ),
        )
        uow.emit(*demand.events)
        return demand

    async def get_demand(self, demand_id: uuid.UUID, viewer: Viewer | None = None) -> tuple[Demand, bool]:
        """The demand and whether ``viewer`` may see it in full (else only its teaser).

        A demand the viewer may not see at all (a draft of another enterprise, say) is a 404,
        so its existence is not revealed either.
        """
        carrier_id = viewer.carrier_id if viewer is not None else None
        # The demand and the caller's grant in one statement.
        row = await self.reader.first(DEMAND_WITH_GRANT, {"demand_id": demand_id, "carrier_id": carrier_id})
        d, granted = (demand_from_record(row), bool(row["granted"])) if row is not None else (None, False)
        if d is None:
            raise NotFound("demand", demand_id)
        if viewer is None:
            return d, True
        seen = d.sight(viewer.relation(d.enterprise_id), granted=granted)
        if seen is Sight.NONE:
            raise NotFound("demand", demand_id)
        return d, seen is Sight.FULL

    async def list_demands(
        self, filters: DemandFilters, *, viewer: Viewer, sort: str, cursor: str | None, limit: int
    ) -> tuple[list[tuple[Demand, bool]], str | None]:
        """A page of demands, each with whether ``viewer`` may see it in full."""
        kind = f"demands:{sort}"
        after = parse_keyset_cursor(cursor, kind, Decimal if sort == "-budget" else datetime) if cursor else None
        async with self.uow.read() as conn:
            repo = DemandRepository(conn)
            rows = await repo.list_demands(filters, viewer=viewer, sort=sort, after=after, limit=limit + 1)
            granted: set[uuid.UUID] = set()
            if not viewer.staff and viewer.carrier_id is not None:
                confidential = [d.id for d in rows if d.confidentiality is domain.Confidentiality.CONFIDENTIAL]
                granted = await repo.carriers_with_access(confidential, viewer.carrier_id)

        def cursor_after(last: Demand) -> str:
            key: datetime | Decimal | None = {
                "-created_at": last.created_at,
                "created_at": last.created_at,
                # A budget or deadline the caller may not see orders (and pages) as unknown.
                "deadline": last.deadline if _full_view(last, viewer, granted) else None,
                "-budget": last.budget if _full_view(last, viewer, granted) else None,
            }[sort]
            return keyset_cursor(kind, key, last.id)

        shown, nxt = page(rows, limit, cursor_after)
        return [(d, _full_view(d, viewer, granted)) for d in shown], nxt

    # -- access grants for confidential demands ------------------------------------------
    async def grant_access(
        self, demand_id: uuid.UUID, carrier_id: uuid.UUID, *, by: str, uow: UnitOfWork | None = None
    ) -> bool:
        """Let a carrier read a confidential demand in full; False if it already could."""
        if uow is None:
            async with self.uow() as new_uow:
                return await self.grant_access(demand_id, carrier_id, by=by, uow=new_uow)
        repo = DemandRepository(uow.conn)
        if await repo.get_demand(demand_id) is None:
            raise NotFound("demand", demand_id)
        now = uow.now()
        if not await repo.grant(demand_id, carrier_id, by, now):
            return False
        uow.emit(ev.DemandAccessGranted(demand_id=demand_id, carrier_id=carrier_id, granted_by=by, granted_at=now))
        return True

    async def revoke_access(self, demand_id: uuid.UUID, carrier_id: uuid.UUID, *, by: str) -> None:
        async with self.uow() as uow:
            if not await DemandRepository(uow.conn).revoke(demand_id, carrier_id):
                raise NotFound("access grant", f"{demand_id}/{carrier_id}")
            uow.emit(
                ev.DemandAccessRevoked(
                    demand_id=demand_id, carrier_id=carrier_id, revoked_by=by, revoked_at=datetime.now(UTC)
                )
            )

    async def grants_of(self, demand_id: uuid.UUID) -> list[dict[str, Any]]:
        async with self.uow.read() as conn:
            return await DemandRepository(conn).grants_of(demand_id)

    async def transition(
        self,
        demand_id: uuid.UUID,
        action: DemandAction,
        *,
        if_match: int | None = None,
        reason: str | None = None,
        ref_id: uuid.UUID | None = None,
        uow: UnitOfWork | None = None,
    ) -> Demand:
        if uow is not None:
            return await self._transition(uow, demand_id, action, if_match, reason, ref_id)
        async with self.uow() as new_uow:
            return await self._transition(new_uow, demand_id, action, if_match, reason, ref_id)

    async def _transition(
        self,
        uow: UnitOfWork,
        demand_id: uuid.UUID,
        action: DemandAction,
        if_match: int | None,
        reason: str | None,
        ref_id: uuid.UUID | None,
    ) -> Demand:
        repo = DemandRepository(uow.conn)
        current = await repo.get_demand(demand_id, for_update=True)
        if current is None:
            raise NotFound("demand", demand_id)
        if if_match is not None and if_match != current.version:
            raise Problem(
                412,
                "precondition-failed",
                f"demand is at version {current.version}, not {if_match}",
                current_version=current.version,
            )
        try:
            nxt = current.apply(action, now=uow.now(), reason=reason, ref_id=ref_id)
        except IllegalTransition as exc:
            raise transition_problem(exc) from exc
        except ValueError as exc:
            raise Problem(422, "validation-error", str(exc)) from exc
        if not await repo.save_demand(nxt, expected_version=current.version):
            raise Problem(412, "precondition-failed", "the demand changed meanwhile; reload and retry")
        uow.emit(*nxt.events)
        return nxt

    async def update_demand(self, demand_id: uuid.UUID, changes: dict[str, Any], *, if_match: int) -> Demand:
        async with self.uow() as uow:
            repo = DemandRepository(uow.conn)
            current = await repo.get_demand(demand_id, for_update=True)
            if current is None:
                raise NotFound("demand", demand_id)
            if if_match != current.version:
                raise Problem(
                    412,
                    "precondition-failed",
                    f"demand is at version {current.version}, not {if_match}",
                    current_version=current.version,
                )
            try:
                nxt = current.update(changes, now=datetime.now(UTC))
            except IllegalTransition as exc:
                raise transition_problem(exc) from exc
            except ValueError as exc:
                raise Problem(422, "validation-error", str(exc)) from exc
            if nxt is current:
                return current
            if not await repo.save_demand(nxt, expected_version=current.version):
                raise Problem(412, "precondition-failed", "the demand changed meanwhile; reload and retry")
            uow.emit(*nxt.events)
            return nxt

    async def expire_overdue(self, *, now: datetime | None = None, batch: int = 500) -> int:
        """The scheduled job: expire every open demand whose deadline has passed."""
        now = now or datetime.now(UTC)
        statuses = [s.value for s in domain.TRANSITIONS[DemandAction.EXPIRE][0]]
        async with self.uow.read() as conn:
            ids = await DemandRepository(conn).overdue_demand_ids(now, statuses, batch)
        expired = 0
        for demand_id in ids:
            try:
                await self.transition(demand_id, DemandAction.EXPIRE)
                expired += 1
            except Problem:
                continue  # changed state meanwhile; nothing to expire
        return expired

    # -- consumed events ------------------------------------------------------------------
    async def follow(
        self, uow: UnitOfWork, demand_id: uuid.UUID | None, action: DemandAction, *, ref_id: uuid.UUID | None
    ) -> bool:
        """Move a demand along because of another service's event. An event that does not fit
        the demand's state (a late or repeated fact) changes nothing and is not an error."""
        if demand_id is None:
            return False
        try:
            await self.transition(demand_id, action, ref_id=ref_id, uow=uow)
        except Problem as exc:
            if exc.status in (404, 409):
                log.info("demand %s: %s ignored (%s)", demand_id, action.value, exc.detail)
                return False
            raise
        return True

    async def on_match_accepted(self, uow: UnitOfWork, e: matching_ev.MatchAccepted) -> None:
        # The first accepted match makes a published demand matched; a further one on a matched
        # demand means the parties are negotiating. The matched carrier may read the details.
        current = await DemandRepository(uow.conn).get_demand(e.demand_id, for_update=True)
        if current is None:
            log.info("MatchAccepted for unknown demand %s ignored", e.demand_id)
            return
        action = DemandAction.START_NEGOTIATION if current.status is DemandStatus.MATCHED else DemandAction.MATCH
        moved = await self.follow(uow, e.demand_id, action, ref_id=e.carrier_id)
        # Access goes with a match that counts: not with one on a draft or a withdrawn demand.
        if moved or current.status in (DemandStatus.IN_NEGOTIATION, DemandStatus.CONTRACTED):
            await self.grant_access(e.demand_id, e.carrier_id, by=f"match:{e.match_id}", uow=uow)

    async def on_contract_signed(self, uow: UnitOfWork, e: contracts_ev.ContractSigned) -> None:
        await self.follow(uow, e.demand_id, DemandAction.CONTRACT, ref_id=e.contract_id)

    async def on_contract_completed(self, uow: UnitOfWork, e: contracts_ev.ContractCompleted) -> None:
        await self.follow(uow, e.demand_id, DemandAction.CLOSE, ref_id=e.contract_id)
