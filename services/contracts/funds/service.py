"""Fund use cases: each one unit of work (one transaction, its events in the outbox).

Who may do what: operators and admins establish funds and record their investments; staff
(project managers too) read funds, investments and the portfolio; dashboard viewers read the
portfolio's totals only. An investment locks its fund's row, so two investments of one fund
run one after the other and never overcommit it together."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from services.contracts.domain import DomainError
from services.contracts.funds.domain import (
    DEFAULT_STAKE_POLICY,
    STAKE_QUANTUM,
    check_investment,
    fund_figures,
    look_through_percent,
)
from services.contracts.funds.repository import FundRepository
from services.contracts.funds.schemas import FundCreate, InvestmentCreate
from services.contracts.problems import domain_problem
from services.contracts.tables import funds as funds_table
from shared.auth import Actor, Role
from shared.calendar import institute_today
from shared.events.contracts import FundEstablished, FundInvested
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.problems import NotFound, Problem

FUND_WRITERS = (Role.OPERATOR, Role.ADMIN)
FUND_READERS = (Role.PROJECT_MANAGER, Role.OPERATOR, Role.ADMIN)
TOTALS_READERS = (*FUND_READERS, Role.DASHBOARD_VIEWER)
HOLDING_KINDS = ("fund_investment", "converted_grant")


def _s(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def fund_view(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "name": r["name"],
        "manager": r["manager"],
        "currency": r["currency"],
        "committed_capital": str(r["committed_capital"]),
        "institute_commitment": str(r["institute_commitment"]),
        "institute_stake_percent": str(r["institute_stake_percent"]),
        "social_capital": str(r["social_capital"]),
        "invested_total": str(r["invested_total"]),
        "available": str(r["committed_capital"] - r["invested_total"]),
        "investments": r["investments"],
        "established_on": r["established_on"],
        "version": r["version"],
        "created_at": r["created_at"],
    }


def investment_view(r: dict[str, Any], institute_stake_percent: Decimal) -> dict[str, Any]:
    return {
        "id": r["id"],
        "fund_id": r["fund_id"],
        "company": r["company"],
        "amount": str(r["amount"]),
        "stake_percent": _s(r["stake_percent"]),
        "institute_look_through_percent": _s(look_through_percent(r["stake_percent"], institute_stake_percent)),
        "invested_on": r["invested_on"],
        "contract_id": r["contract_id"],
        "note": r["note"],
        "created_at": r["created_at"],
    }


def holding_view(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "kind": r["kind"],
        "fund_id": r["fund_id"],
        "contract_id": r["contract_id"],
        "company": r["company"],
        "amount": str(r["amount"]),
        "equity_percent": _s(r["equity_percent"]),
        "institute_percent": _s(r["institute_percent"]),
        "held_since": r["held_since"],
    }


def _not_future(day: Any, field: str, now: datetime) -> None:
    if day > institute_today(now):
        raise Problem(
            422,
            "validation-error",
            f"{field} is in the future",
            title="Your request is not valid",
            errors=[{"field": field, "message": "must not be after today (the institute's calendar)"}],
        )


class FundService:
    def __init__(self, uow: UnitOfWorkFactory, policy: tuple[Decimal, Decimal] = DEFAULT_STAKE_POLICY) -> None:
        self.uow = uow
        self.policy = policy

    async def establish(self, uow: UnitOfWork, actor: Actor, data: FundCreate) -> dict[str, Any]:
        now = uow.now()  # a history import dates it when it happened
        _not_future(data.established_on, "established_on", now)
        try:
            figures = fund_figures(data.committed_capital, data.institute_commitment, self.policy)
        except (DomainError, ValueError) as exc:
            raise domain_problem(exc) from exc
        fund_id = uuid.uuid4()
        values: dict[str, Any] = {
            "id": fund_id,
            "name": data.name,
            "manager": data.manager,
            "currency": "CNY",
            "committed_capital": figures.committed_capital,
            "institute_commitment": figures.institute_commitment,
            "institute_stake_percent": figures.institute_stake_percent,
            "social_capital": figures.social_capital,
            "invested_total": Decimal("0.00"),
            "investments": 0,
            "established_on": data.established_on,
            "version": 1,
            "created_at": now,
            "created_by": actor.subject,
        }
        # Names are unique: the insert runs at commit and a taken name answers 409.
        uow.add(
            funds_table,
            values,
            on_integrity_error=Problem(409, "fund-exists", f"a fund named {data.name!r} exists already"),
        )
        uow.emit(
            FundEstablished(
                fund_id=fund_id,
                name=data.name,
                manager=data.manager,
                committed_capital=figures.committed_capital,
                institute_commitment=figures.institute_commitment,
                institute_stake_percent=figures.institute_stake_percent,
                social_capital=figures.social_capital,
                established_on=data.established_on,
                recorded_at=now,
            )
        )
        return fund_view(values)

    async def invest(self, uow: UnitOfWork, actor: Actor, fund_id: uuid.UUID, data: InvestmentCreate) -> dict[str, Any]:
        now = uow.now()  # a history import dates it when it happened
        _not_future(data.invested_on, "invested_on", now)
        repo = FundRepository(uow.conn)
        fund = await repo.get_fund(fund_id, for_update=True)
        if fund is None:
            raise NotFound("fund", fund_id)
        if data.invested_on < fund["established_on"]:
            raise Problem(
                422,
                "validation-error",
                f"invested_on is before the fund was established ({fund['established_on'].isoformat()})",
                title="Your request is not valid",
                errors=[{"field": "invested_on", "message": "must not be before the fund's establishment"}],
            )
        try:
            total = check_investment(fund["committed_capital"], fund["invested_total"], data.amount)
        except (DomainError, ValueError) as exc:
            raise domain_problem(exc) from exc
        stake = None if data.stake_percent is None else data.stake_percent.quantize(STAKE_QUANTUM)
        investment_id = uuid.uuid4()
        values: dict[str, Any] = {
            "id": investment_id,
            "fund_id": fund_id,
            "company": data.company,
            "amount": data.amount,
            "stake_percent": stake,
            "invested_on": data.invested_on,
            "contract_id": data.contract_id,
            "note": data.note,
            "created_at": now,
            "created_by": actor.subject,
        }
        await repo.add_investment(values)
        await repo.invested(fund_id, total, fund["version"] + 1)
        through = look_through_percent(stake, fund["institute_stake_percent"])
        await repo.add_holding(
            {
                "id": values["id"],
                "kind": "fund_investment",
                "fund_id": fund_id,
                "contract_id": data.contract_id,
                "company": data.company,
                "amount": data.amount,
                "equity_percent": stake,
                "institute_percent": through,
                "held_since": data.invested_on,
                "recorded_at": now,
            }
        )
        uow.emit(
            FundInvested(
                fund_id=fund_id,
                investment_id=investment_id,
                company=data.company,
                amount=data.amount,
                stake_percent=stake,
                institute_look_through_percent=through,
                contract_id=data.contract_id,
                invested_on=data.invested_on,
                fund_invested_total=total,
                recorded_at=now,
            )
        )
        return investment_view(values, fund["institute_stake_percent"])

    async def funds(self, actor: Actor, *, cursor: str | None, limit: int) -> dict[str, Any]:
        actor.require(*FUND_READERS)
        async with self.uow.read() as conn:
            rows, nxt = await FundRepository(conn).list_funds(cursor=cursor, limit=limit)
        return {"items": [fund_view(r) for r in rows], "next_cursor": nxt}

    async def fund(self, actor: Actor, fund_id: uuid.UUID) -> dict[str, Any]:
        actor.require(*FUND_READERS)
        async with self.uow.read() as conn:
            row = await FundRepository(conn).get_fund(fund_id)
        if row is None:
            raise NotFound("fund", fund_id)
        return fund_view(row)

    async def investments(self, actor: Actor, fund_id: uuid.UUID, *, cursor: str | None, limit: int) -> dict[str, Any]:
        actor.require(*FUND_READERS)
        async with self.uow.read() as conn:
            repo = FundRepository(conn)
            fund = await repo.get_fund(fund_id)
            if fund is None:
                raise NotFound("fund", fund_id)
            rows, nxt = await repo.list_investments(fund_id, cursor=cursor, limit=limit)
        stake = fund["institute_stake_percent"]
        return {"items": [investment_view(r, stake) for r in rows], "next_cursor": nxt}

    async def investment(self, actor: Actor, fund_id: uuid.UUID, investment_id: uuid.UUID) -> dict[str, Any]:
        actor.require(*FUND_READERS)
        async with self.uow.read() as conn:
            repo = FundRepository(conn)
            fund = await repo.get_fund(fund_id)
            row = await repo.get_investment(fund_id, investment_id) if fund is not None else None
        if fund is None or row is None:
            raise NotFound("investment", investment_id)
        return investment_view(row, fund["institute_stake_percent"])

    async def totals(self, actor: Actor) -> dict[str, Any]:
        actor.require(*TOTALS_READERS)
        async with self.uow.read() as conn:
            t = await FundRepository(conn).totals()
        return _totals_view(t)

    async def portfolio(self, actor: Actor, *, kind: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
        actor.require(*FUND_READERS)
        async with self.uow.read() as conn:
            repo = FundRepository(conn)
            t = await repo.totals()
            rows, nxt = await repo.holdings(kind=kind, cursor=cursor, limit=limit)
        return {"totals": _totals_view(t), "items": [holding_view(r) for r in rows], "next_cursor": nxt}


def _totals_view(t: dict[str, Any]) -> dict[str, Any]:
    cent = Decimal("0.01")
    institute = Decimal(t["institute_commitment"]).quantize(cent)
    social = Decimal(t["social_capital"]).quantize(cent)
    return {
        "currency": "CNY",
        "funds": int(t["funds"]),
        "committed_capital": str(Decimal(t["committed_capital"]).quantize(cent)),
        "institute_commitment": str(institute),
        "social_capital_leveraged": str(social),
        "leverage_ratio": str((social / institute).quantize(cent)) if institute else None,
        "invested_total": str(Decimal(t["invested_total"]).quantize(cent)),
        "fund_investments": int(t["fund_investments"]),
        "converted_grants": int(t["converted_grants"]),
        "converted_grant_amount": str(Decimal(t["converted_grant_amount"]).quantize(cent)),
    }
