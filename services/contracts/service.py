"""Contract use cases: each one unit of work (one transaction, events in the outbox).

Every change loads the contract with ``SELECT ... FOR UPDATE`` (contract row and milestone
rows), so two concurrent changes of one contract, two payments on one milestone included,
run one after the other and the second sees what the first did.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.contracts.domain import (
    NEGOTIATING_FIRST,
    ZERO,
    Contract,
    ContractType,
    DomainError,
    Party,
    Payment,
    Terms,
    money,
    terms_with,
)
from services.contracts.funds.repository import record_converted_grant
from services.contracts.funds.service import FundService
from services.contracts.problems import domain_problem
from services.contracts.repository import (
    ContractFilters,
    ContractRepository,
    ContractViewRow,
    TotalsBy,
    Visibility,
    list_query,
)
from services.contracts.schemas import ContractCreate, ConversionCreate, PaymentCreate
from services.contracts.views import stored_view
from shared.auth import Actor, Role
from shared.calendar import institute_today
from shared.events.matching import MatchAccepted
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pagination import decode_cursor, encode_cursor, page
from shared.pgread import Reader
from shared.problems import Conflict, NotFound, Problem
from shared.progress import Progress

STAFF_ROLES = (Role.PROJECT_MANAGER, Role.OPERATOR, Role.ADMIN)
READER_ROLES = (*STAFF_ROLES, Role.ENTERPRISE_USER, Role.CARRIER_USER)
TOTALS_ROLES = (*STAFF_ROLES, Role.DASHBOARD_VIEWER)
SYSTEM_ACTOR = "system:matching"
DRAFT_CLOSER = "system:drafts"  # who closes the drafts no one pursues (history's actor)


def can_see(actor: Actor, c: Contract) -> bool:
    """Staff see every contract; an enterprise's or a carrier's users see their own."""
    return can_see_parties(actor, c.enterprise_id, c.carrier_id)


def can_see_parties(actor: Actor, enterprise_id: uuid.UUID, carrier_id: uuid.UUID) -> bool:
    return (
        actor.is_staff
        or (actor.has(Role.ENTERPRISE_USER) and actor.enterprise_id == enterprise_id)
        or (actor.has(Role.CARRIER_USER) and actor.carrier_id == carrier_id)
    )


def require_side(actor: Actor, c: Contract, party: Party) -> None:
    """Only the party's own users (or staff acting for it) act for a side of the contract."""
    ok = (
        actor.acts_for_enterprise(c.enterprise_id)
        if party is Party.ENTERPRISE
        else actor.acts_for_carrier(c.carrier_id)
    )
    if not ok:
        raise Problem(
            403,
            "forbidden",
            f"only the {party.value}'s users or staff may do this",
            required_party=party.value,
        )


def require_staff(actor: Actor) -> None:
    actor.require(*STAFF_ROLES)


def _may_propose_terms(actor: Actor, c: Contract) -> None:
    if actor.is_staff:
        return
    if c.status not in NEGOTIATING_FIRST:
        require_staff(actor)  # a signed contract changes by amendment, brokered by staff
    require_side(actor, c, Party.ENTERPRISE)


def party_for(actor: Actor, asked: Party | None) -> Party:
    if asked is not None:
        return asked
    ent, car = actor.has(Role.ENTERPRISE_USER), actor.has(Role.CARRIER_USER)
    if ent and not car and not actor.is_staff:
        return Party.ENTERPRISE
    if car and not ent and not actor.is_staff:
        return Party.CARRIER
    raise Problem(
        422,
        "validation-error",
        "say which party signs: party = enterprise or carrier",
        errors=[{"field": "party", "message": "required for this caller"}],
    )


class ContractService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self.reader = Reader(uow)
        self.funds = FundService(uow)  # the funds and the portfolio (services/contracts/funds)

    # -- drafting ------------------------------------------------------------------------------
    async def create_contract(self, uow: UnitOfWork, actor: Actor, data: ContractCreate) -> Contract:
        """An operator drafts a contract for an accepted match (the route authorizes: staff)."""
        repo = ContractRepository(uow.conn)
        existing = await repo.live_contract_for_match(data.match_id)
        if existing:
            raise Conflict(
                f"match {data.match_id} already has contract {existing}",
                slug="contract-exists",
                contract_id=str(existing),
            )
        match = await repo.accepted_match(data.match_id)
        changes = data.changes()
        if match is not None:
            for name in ("enterprise_id", "carrier_id", "demand_id"):
                given = getattr(data, name)
                if given is not None and given != match[name]:
                    raise Problem(
                        422,
                        "validation-error",
                        f"{name} {given} is not the one of accepted match {data.match_id} ({match[name]})",
                        errors=[{"field": name, "message": "differs from the accepted match"}],
                    )
            enterprise_id, carrier_id, demand_id = match["enterprise_id"], match["carrier_id"], match["demand_id"]
            project_manager_id = data.project_manager_id or match["project_manager_id"]
            center_id = data.center_id or match["center_id"]
            base = Terms(
                contract_type=ContractType(match["demand_type"]),
                title=match["demand_title"][:200],
                value=(match["budget"] or ZERO).quantize(Decimal("0.01")),
            )
        else:
            missing = [f for f in ("enterprise_id", "carrier_id", "title", "contract_type") if getattr(data, f) is None]
            if missing:
                raise Problem(
                    422,
                    "unknown-match",
                    f"match {data.match_id} is not known to the contracts service (yet); "
                    f"give {', '.join(missing)} to draft without it",
                    errors=[{"field": f, "message": "required when the match is not known"} for f in missing],
                )
            assert data.enterprise_id and data.carrier_id and data.title and data.contract_type
            enterprise_id, carrier_id, demand_id = data.enterprise_id, data.carrier_id, data.demand_id
            project_manager_id, center_id = data.project_manager_id, data.center_id
            base = Terms(contract_type=data.contract_type, title=data.title, value=ZERO)
        now = datetime.now(UTC)
        try:
            terms = terms_with(base, changes, ())
            contract = Contract.draft(
                now=now,
                enterprise_id=enterprise_id,
                carrier_id=carrier_id,
                terms=terms,
                match_id=data.match_id,
                demand_id=demand_id,
                project_manager_id=project_manager_id,
                center_id=center_id,
                created_by=actor.subject[:200],
            )
        except (DomainError, ValueError) as exc:
            raise domain_problem(exc) from exc
        try:
            await repo.add(contract)
        except IntegrityError as exc:  # a concurrent draft for the same match won
            raise Conflict(f"match {data.match_id} already has a contract", slug="contract-exists") from exc
        await self._history(repo, contract, "draft", actor.subject, {"match_id": str(data.match_id)})
        uow.emit(*contract.events)
        return contract

    async def match_accepted(self, uow: UnitOfWork, e: MatchAccepted) -> Contract | None:
        """Consumed MatchAccepted: remember the match and draft its contract, once per match."""
        repo = ContractRepository(uow.conn)
        now = uow.now()  # when the match was accepted (a past one's draft is dated then)
        await repo.remember_match(
            {
                "match_id": e.match_id,
                "demand_id": e.demand_id,
                "enterprise_id": e.enterprise_id,
                "carrier_id": e.carrier_id,
                "project_manager_id": e.project_manager_id,
                "center_id": e.center_id,
                "demand_title": e.demand_title[:300],
                "demand_type": e.demand_type,
                "budget": e.budget,
                "accepted_by": e.accepted_by[:200],
                "accepted_at": e.accepted_at,
                "received_at": now,
            }
        )
        if await repo.any_contract_for_match(e.match_id):
            return None  # drafted already (by an earlier delivery, or by an operator)
        if await repo.demand_ended(e.demand_id):
            return None  # the demand ended before this match reached us: nothing to negotiate
        # The draft starts from what was accepted: the demand's budget as the value, to be
        # completed (scope, period, IP, milestones adding up to the value) before signing.
        terms = Terms(
            contract_type=ContractType(e.demand_type),
            title=e.demand_title[:200],
            value=(e.budget or ZERO).quantize(Decimal("0.01")),
        )
        contract = Contract.draft(
            now=now,
            enterprise_id=e.enterprise_id,
            carrier_id=e.carrier_id,
            terms=terms,
            match_id=e.match_id,
            demand_id=e.demand_id,
            project_manager_id=e.project_manager_id,
            center_id=e.center_id,
            created_by=SYSTEM_ACTOR,
        )
        await repo.add(contract)
        await self._history(
            repo, contract, "draft", SYSTEM_ACTOR, {"match_id": str(e.match_id), "accepted_by": e.accepted_by}
        )
        uow.emit(*contract.events)
        return contract

    # -- drafts no one pursues -----------------------------------------------------------------
    async def demand_ended(self, uow: UnitOfWork, demand_id: uuid.UUID, reason: str, at: datetime) -> int:
        """Consumed DemandWithdrawn/Expired/Closed: close the demand's unsigned drafts, once."""
        repo = ContractRepository(uow.conn)
        if not await repo.end_demand(demand_id, reason, at):
            return 0  # a repeated fact
        closed = 0
        for contract_id in await repo.open_drafts(demand_id=demand_id):
            closed += await self._close_draft(uow, repo, contract_id, f"the demand was {reason}", at)
        return closed

    async def close_idle_drafts(self, idle: timedelta, *, now: datetime | None = None, batch: int = 500) -> int:
        """The scheduled job: close every draft nobody has touched for ``idle``."""
        cutoff = (now or datetime.now(UTC)) - idle
        async with self.uow.read() as conn:
            ids = await ContractRepository(conn).open_drafts(idle_before=cutoff, limit=batch)
        closed = 0
        reason = f"no activity for {idle.days} days" if idle.days else "no activity"
        for contract_id in ids:
            async with self.uow() as uow:
                repo = ContractRepository(uow.conn)
                closed += await self._close_draft(uow, repo, contract_id, reason, uow.now(), idle_before=cutoff)
        return closed

    async def _close_draft(
        self,
        uow: UnitOfWork,
        repo: ContractRepository,
        contract_id: uuid.UUID,
        reason: str,
        at: datetime,
        *,
        idle_before: datetime | None = None,
    ) -> int:
        c = await repo.get(contract_id, for_update=True)
        if c is None or c.status not in NEGOTIATING_FIRST:
            return 0  # signed or closed meanwhile
        if idle_before is not None and c.updated_at >= idle_before:
            return 0  # someone worked on it meanwhile
        nxt = c.terminate(reason=reason, now=max(at, c.updated_at))
        if not await repo.save(nxt, before=c):
            return 0
        await self._history(repo, nxt, "terminate", DRAFT_CLOSER, {"reason": reason})
        uow.emit(*nxt.events)
        return 1

    # -- reads ---------------------------------------------------------------------------------
    async def get(self, actor: Actor, contract_id: uuid.UUID) -> Contract:
        async with self.uow.read() as conn:
            return await self._visible(ContractRepository(conn), actor, contract_id)

    async def get_view(self, actor: Actor, contract_id: uuid.UUID) -> tuple[bytes, int]:
        """The contract as ``GET /contracts/{id}`` answers it, and its version: the view stored
        with it while that view is current (one statement), else rendered from its rows."""
        actor.require(*READER_ROLES)
        async with self.uow.read() as conn:
            repo = ContractRepository(conn)
            row = await repo.served_view(contract_id)
            if row is None or not can_see_parties(actor, row.enterprise_id, row.carrier_id):
                raise NotFound("contract", contract_id)  # another party's contract does not exist for you
            if row.view is not None:
                return row.view.encode(), int(row.version)
            c = await self._visible(repo, actor, contract_id)
        return stored_view(c).encode(), c.version

    async def list_contracts(
        self, actor: Actor, filters: ContractFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[str], str | None]:
        """The contracts ``actor`` may see that pass ``filters``, newest first, as their stored
        views (JSON text, see views.stored_view), and the cursor of the next page."""
        actor.require(*READER_ROLES)
        visible = (
            Visibility(everything=True)
            if actor.is_staff
            else Visibility(
                everything=False,
                enterprise_id=actor.enterprise_id if actor.has(Role.ENTERPRISE_USER) else None,
                carrier_id=actor.carrier_id if actor.has(Role.CARRIER_USER) else None,
            )
        )
        after = None
        if cursor:
            vals = decode_cursor(cursor)
            try:
                after = (datetime.fromisoformat(vals[0]), uuid.UUID(vals[1]))
            except (ValueError, IndexError, TypeError) as exc:
                raise Problem(400, "bad-cursor", "the cursor is not one this API gave out") from exc
        q = list_query(filters, visible, after=after, limit=limit + 1)
        rows = [ContractViewRow.of(r) for r in await self.reader.all(q.statement, q.values)] if q is not None else []
        rows, nxt = page(rows, limit, lambda r: encode_cursor([r.created_at.isoformat(), str(r.id)]))
        views = [r.view for r in rows]
        if None in views:
            async with self.uow.read() as conn:
                return await ContractRepository(conn).views_of(rows), nxt
        return cast(list[str], views), nxt

    async def refresh_views(self, progress: Progress | None = None, *, chunk: int = 200) -> int:
        """Render and store the view of every contract again (``itp views refresh``, after a
        deploy that changed ``views.RENDERER``): a transaction per ``chunk`` contracts, each
        contract locked while its view is written. The number of contracts."""
        async with self.uow.read() as conn:
            total = await ContractRepository(conn).count()
        if progress is not None:
            progress.total = total
        done, after = 0, None
        while True:
            async with self.uow() as uow:
                repo = ContractRepository(uow.conn)
                ids = await repo.contract_ids(after=after, limit=chunk)
                for contract_id in ids:
                    c = await repo.get(contract_id, for_update=True)
                    if c is not None:
                        await repo.store_view(c)
            if not ids:
                return done
            done, after = done + len(ids), ids[-1]
            if progress is not None:
                progress.advance(len(ids))

    async def versions(
        self, actor: Actor, contract_id: uuid.UUID, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = _int_cursor(cursor)
        async with self.uow.read() as conn:
            repo = ContractRepository(conn)
            await self._visible(repo, actor, contract_id)
            rows = await repo.list_versions(contract_id, after=after, limit=limit + 1)
        return page(rows, limit, lambda r: encode_cursor([r["number"]]))

    async def history(
        self, actor: Actor, contract_id: uuid.UUID, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = _int_cursor(cursor)
        async with self.uow.read() as conn:
            repo = ContractRepository(conn)
            await self._visible(repo, actor, contract_id)
            rows = await repo.list_history(contract_id, after=after, limit=limit + 1)
        return page(rows, limit, lambda r: encode_cursor([r["id"]]))

    async def payments(
        self,
        actor: Actor,
        contract_id: uuid.UUID,
        *,
        milestone_id: uuid.UUID | None,
        cursor: str | None,
        limit: int,
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = None
        if cursor:
            vals = decode_cursor(cursor)
            try:
                after = (datetime.fromisoformat(vals[0]), uuid.UUID(vals[1]))
            except (ValueError, IndexError, TypeError) as exc:
                raise Problem(400, "bad-cursor", "the cursor is not one this API gave out") from exc
        async with self.uow.read() as conn:
            repo = ContractRepository(conn)
            await self._visible(repo, actor, contract_id)
            rows = await repo.list_payments(contract_id, milestone_id=milestone_id, after=after, limit=limit + 1)
        return page(rows, limit, lambda r: encode_cursor([r["recorded_at"].isoformat(), str(r["id"])]))

    async def totals(
        self,
        actor: Actor,
        by: TotalsBy,
        *,
        month_from: str | None,
        month_to: str | None,
        cursor: str | None,
        limit: int,
    ) -> dict[str, Any]:
        """Value signed, paid, outstanding and cancelled per group, with the grand total."""
        actor.require(*TOTALS_ROLES)
        async with self.uow.read() as conn:
            repo = ContractRepository(conn)
            rows = await repo.totals(by, month_from=month_from, month_to=month_to)
            paid_in_month = await repo.paid_by_month(month_from=month_from, month_to=month_to) if by == "month" else {}
        items: dict[str | None, dict[str, Any]] = {
            r.key: {
                "key": r.key,
                "contracts": r.contracts,
                "value_signed": r.value_signed,
                "paid": r.paid,
                "outstanding": r.outstanding,
                "cancelled": r.cancelled,
            }
            for r in rows
        }
        if by == "month":
            for month in paid_in_month:
                items.setdefault(
                    month,
                    {
                        "key": month,
                        "contracts": 0,
                        "value_signed": ZERO,
                        "paid": ZERO,
                        "outstanding": ZERO,
                        "cancelled": ZERO,
                    },
                )
            for key, item in items.items():
                item["paid_in_month"] = paid_in_month.get(key or "", ZERO)
        ordered = sorted(items.values(), key=lambda i: i["key"] or "")
        total: dict[str, Any] = {
            "key": None,
            "contracts": sum(i["contracts"] for i in ordered),
            **{f: sum((i[f] for i in ordered), ZERO) for f in ("value_signed", "paid", "outstanding", "cancelled")},
        }
        if by == "month":
            total["paid_in_month"] = sum((i["paid_in_month"] for i in ordered), ZERO)
        if cursor:
            vals = decode_cursor(cursor)
            last = str(vals[0]) if vals else ""
            ordered = [i for i in ordered if (i["key"] or "") > last]
        ordered, nxt = page(ordered, limit, lambda i: encode_cursor([i["key"] or ""]))
        return {"by": by, "currency": "CNY", "items": ordered, "total": total, "next_cursor": nxt}

    # -- changes -------------------------------------------------------------------------------
    async def edit(
        self,
        actor: Actor,
        contract_id: uuid.UUID,
        changes: dict[str, Any],
        *,
        if_match: int | None,
        uow: UnitOfWork | None = None,
    ) -> Contract:
        """Change the terms under negotiation: staff broker it, and the enterprise proposes its own
        terms before the contract is first signed (the carrier answers by signing or not)."""
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="edit",
            authorize=lambda c: _may_propose_terms(actor, c),
            apply=lambda c, now: c.edit(changes, now=now),
            detail={"fields": sorted(changes)},
            uow=uow,
        )

    async def propose_amendment(
        self, actor: Actor, contract_id: uuid.UUID, changes: dict[str, Any], *, if_match: int
    ) -> Contract:
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="propose_amendment",
            authorize=lambda c: require_staff(actor),
            apply=lambda c, now: c.propose_amendment(changes, now=now),
            detail={"fields": sorted(changes)},
        )

    async def withdraw_amendment(self, actor: Actor, contract_id: uuid.UUID, *, if_match: int | None) -> Contract:
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="withdraw_amendment",
            authorize=lambda c: require_staff(actor),
            apply=lambda c, now: c.withdraw_amendment(now=now),
        )

    async def sign(
        self,
        actor: Actor,
        contract_id: uuid.UUID,
        *,
        party: Party | None,
        signatory: str | None,
        if_match: int | None,
        uow: UnitOfWork | None = None,
    ) -> Contract:
        side = party_for(actor, party)
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action=f"sign_as_{side.value}",
            authorize=lambda c: require_side(actor, c, side),
            apply=lambda c, now: c.sign(side, signed_by=signatory or actor.subject, subject=actor.subject, now=now),
            detail={"party": side.value, "signatory": signatory},
            uow=uow,
        )

    async def deliver(
        self,
        actor: Actor,
        contract_id: uuid.UUID,
        milestone_id: uuid.UUID,
        *,
        note: str | None,
        if_match: int | None,
        uow: UnitOfWork | None = None,
    ) -> Contract:
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="deliver_milestone",
            authorize=lambda c: require_side(actor, c, Party.CARRIER),
            apply=lambda c, now: c.deliver_milestone(milestone_id, note=note, now=now),
            detail={"milestone_id": str(milestone_id)},
            uow=uow,
        )

    async def accept(
        self,
        actor: Actor,
        contract_id: uuid.UUID,
        milestone_id: uuid.UUID,
        *,
        if_match: int | None,
        uow: UnitOfWork | None = None,
    ) -> Contract:
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="accept_milestone",
            authorize=lambda c: require_side(actor, c, Party.ENTERPRISE),
            apply=lambda c, now: c.accept_milestone(milestone_id, now=now),
            detail={"milestone_id": str(milestone_id)},
            uow=uow,
        )

    async def reject(
        self, actor: Actor, contract_id: uuid.UUID, milestone_id: uuid.UUID, *, reason: str, if_match: int | None
    ) -> Contract:
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="reject_milestone",
            authorize=lambda c: require_side(actor, c, Party.ENTERPRISE),
            apply=lambda c, now: c.reject_milestone(milestone_id, reason=reason, now=now),
            detail={"milestone_id": str(milestone_id), "reason": reason},
        )

    async def convert_grant(
        self, actor: Actor, contract_id: uuid.UUID, data: ConversionCreate, *, if_match: int | None
    ) -> Contract:
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="convert_grant",
            authorize=lambda c: require_staff(actor),
            apply=lambda c, now: c.convert_grant(
                commercialisation_event=data.commercialisation_event,
                occurred_on=data.occurred_on,
                stake_percent=data.stake_percent,
                conversion_valuation=data.conversion_valuation,
                company=data.company,
                now=now,
            ),
            detail={"commercialisation_event": data.commercialisation_event},
            also=record_converted_grant,  # the portfolio holds the equity from now on
        )

    async def terminate(self, actor: Actor, contract_id: uuid.UUID, *, reason: str, if_match: int | None) -> Contract:
        return await self._change(
            actor,
            contract_id,
            if_match=if_match,
            action="terminate",
            authorize=lambda c: require_staff(actor),
            apply=lambda c, now: c.terminate(reason=reason, now=now),
            detail={"reason": reason},
        )

    async def record_payment(
        self,
        uow: UnitOfWork,
        actor: Actor,
        contract_id: uuid.UUID,
        milestone_id: uuid.UUID,
        data: PaymentCreate,
    ) -> tuple[Contract, Payment]:
        """A payment against an accepted milestone (the route authorizes: staff). The contract and
        milestone rows are locked first, so a concurrent payment waits and then sees this one:
        never an overpayment."""
        repo = ContractRepository(uow.conn)
        current = await self._visible(repo, actor, contract_id, for_update=True)
        now = uow.now()
        paid_on = data.paid_on or institute_today(now)
        if paid_on > institute_today(now):
            raise Problem(
                422,
                "validation-error",
                "paid_on cannot be in the future",
                errors=[{"field": "paid_on", "message": "in the future"}],
            )
        try:
            nxt, payment = current.record_payment(
                milestone_id,
                money(data.amount),
                paid_on=paid_on,
                now=now,
                recorded_by=actor.subject[:200],
                reference=data.reference,
                note=data.note,
            )
        except (DomainError, ValueError) as exc:
            raise domain_problem(exc) from exc
        if not await repo.save(nxt, before=current):
            raise Problem(412, "precondition-failed", "the contract changed meanwhile; reload and retry")
        await repo.add_payment(payment)
        await self._history(
            repo,
            nxt,
            "record_payment",
            actor.subject,
            {"milestone_id": str(milestone_id), "payment_id": str(payment.id), "amount": str(payment.amount)},
        )
        uow.emit(*nxt.events)
        return nxt, payment

    # -- helpers -------------------------------------------------------------------------------
    async def _visible(
        self, repo: ContractRepository, actor: Actor, contract_id: uuid.UUID, *, for_update: bool = False
    ) -> Contract:
        actor.require(*READER_ROLES)
        c = await repo.get(contract_id, for_update=for_update)
        if c is None or not can_see(actor, c):
            raise NotFound("contract", contract_id)  # another party's contract does not exist for you
        return c

    async def _change(
        self,
        actor: Actor,
        contract_id: uuid.UUID,
        *,
        if_match: int | None,
        action: str,
        authorize: Callable[[Contract], None],
        apply: Callable[[Contract, datetime], Contract],
        detail: dict[str, Any] | None = None,
        also: Callable[[AsyncConnection, Contract], Awaitable[None]] | None = None,
        uow: UnitOfWork | None = None,
    ) -> Contract:
        """Load, authorize, apply, save; ``also`` writes what else the change means, in its
        transaction (``uow``'s when given: the history import's, dated when it happened)."""
        async with contextlib.nullcontext(uow) if uow is not None else self.uow() as uow:
            repo = ContractRepository(uow.conn)
            current = await self._visible(repo, actor, contract_id, for_update=True)
            authorize(current)
            if if_match is not None and if_match != current.version:
                raise Problem(
                    412,
                    "precondition-failed",
                    f"contract is at version {current.version}, not {if_match}",
                    current_version=current.version,
                )
            try:
                nxt = apply(current, uow.now())
            except (DomainError, ValueError) as exc:
                raise domain_problem(exc) from exc
            if nxt is current:
                return current
            if not await repo.save(nxt, before=current):
                raise Problem(412, "precondition-failed", "the contract changed meanwhile; reload and retry")
            await self._history(repo, nxt, action, actor.subject, detail)
            if also is not None:
                await also(uow.conn, nxt)
            uow.emit(*nxt.events)
            return nxt

    @staticmethod
    async def _history(
        repo: ContractRepository, c: Contract, action: str, actor: str, detail: dict[str, Any] | None
    ) -> None:
        events = [type(e).TYPE for e in c.events]
        await repo.add_history(
            c.id,
            at=c.updated_at,
            action=action,
            actor=actor[:200],
            status_after=c.status.value,
            detail={**(detail or {}), "events": events, "version": c.version},
        )


def _int_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    vals = decode_cursor(cursor)
    if not vals or not isinstance(vals[0], int):
        raise Problem(400, "bad-cursor", "the cursor is not one this API gave out")
    return vals[0]
