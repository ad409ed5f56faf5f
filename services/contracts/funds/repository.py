"""Funds, investments and the portfolio in the contracts service's database. Never commits."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.contracts.domain import Contract
from services.contracts.tables import fund_investments, funds, portfolio_holdings
from shared.pagination import keyset_cursor, page, parse_keyset_cursor

Page = tuple[list[dict[str, Any]], str | None]


async def _page(
    conn: AsyncConnection,
    stmt: sa.Select[Any],
    day: sa.ColumnElement[Any],
    ident: sa.ColumnElement[Any],
    *,
    kind: str,
    cursor: str | None,
    limit: int,
    day_key: str,
) -> Page:
    """Newest day first, then id: fetch limit + 1, cut, and say where the next page starts."""
    if cursor is not None:
        after, after_id = parse_keyset_cursor(cursor, kind, date)
        stmt = stmt.where(sa.tuple_(day, ident) < sa.tuple_(sa.literal(after), sa.literal(after_id)))
    rows = [dict(r._mapping) for r in await conn.execute(stmt.order_by(day.desc(), ident.desc()).limit(limit + 1))]
    return page(rows, limit, lambda r: keyset_cursor(kind, r[day_key], r["id"]))


class FundRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get_fund(self, fund_id: uuid.UUID, *, for_update: bool = False) -> dict[str, Any] | None:
        stmt = sa.select(funds).where(funds.c.id == fund_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = (await self.conn.execute(stmt)).first()
        return dict(row._mapping) if row else None

    async def list_funds(self, *, cursor: str | None, limit: int) -> Page:
        return await _page(
            self.conn,
            sa.select(funds),
            funds.c.established_on,
            funds.c.id,
            kind="funds:-established_on",
            cursor=cursor,
            limit=limit,
            day_key="established_on",
        )

    async def add_investment(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(fund_investments).values(**values))

    async def invested(self, fund_id: uuid.UUID, total: Decimal, version: int) -> None:
        await self.conn.execute(
            sa.update(funds)
            .where(funds.c.id == fund_id)
            .values(invested_total=total, investments=funds.c.investments + 1, version=version)
        )

    async def get_investment(self, fund_id: uuid.UUID, investment_id: uuid.UUID) -> dict[str, Any] | None:
        fi = fund_investments
        row = (await self.conn.execute(sa.select(fi).where(fi.c.fund_id == fund_id, fi.c.id == investment_id))).first()
        return dict(row._mapping) if row else None

    async def list_investments(self, fund_id: uuid.UUID, *, cursor: str | None, limit: int) -> Page:
        fi = fund_investments
        return await _page(
            self.conn,
            sa.select(fi).where(fi.c.fund_id == fund_id),
            fi.c.invested_on,
            fi.c.id,
            kind=f"fund-investments:{fund_id}",
            cursor=cursor,
            limit=limit,
            day_key="invested_on",
        )

    async def add_holding(self, values: dict[str, Any]) -> None:
        await self.conn.execute(sa.insert(portfolio_holdings).values(**values))

    async def holdings(self, *, kind: str | None, cursor: str | None, limit: int) -> Page:
        ph = portfolio_holdings
        stmt = sa.select(ph)
        if kind is not None:
            stmt = stmt.where(ph.c.kind == kind)
        return await _page(
            self.conn,
            stmt,
            ph.c.held_since,
            ph.c.id,
            kind=f"portfolio:{kind or 'all'}",
            cursor=cursor,
            limit=limit,
            day_key="held_since",
        )

    async def totals(self) -> dict[str, Any]:
        f = (
            await self.conn.execute(
                sa.select(
                    sa.func.count().label("funds"),
                    sa.func.coalesce(sa.func.sum(funds.c.committed_capital), 0).label("committed_capital"),
                    sa.func.coalesce(sa.func.sum(funds.c.institute_commitment), 0).label("institute_commitment"),
                    sa.func.coalesce(sa.func.sum(funds.c.social_capital), 0).label("social_capital"),
                    sa.func.coalesce(sa.func.sum(funds.c.invested_total), 0).label("invested_total"),
                    sa.func.coalesce(sa.func.sum(funds.c.investments), 0).label("fund_investments"),
                )
            )
        ).one()
        ph = portfolio_holdings
        g = (
            await self.conn.execute(
                sa.select(
                    sa.func.count().label("converted_grants"),
                    sa.func.coalesce(sa.func.sum(ph.c.amount), 0).label("converted_grant_amount"),
                ).where(ph.c.kind == "converted_grant")
            )
        ).one()
        return {**f._asdict(), **g._asdict()}


async def record_converted_grant(conn: AsyncConnection, c: Contract) -> None:
    """The portfolio's line for a contract's converted grant (the institute holds it directly),
    written in the conversion's own transaction."""
    conv = c.conversion
    if conv is None:
        return
    await FundRepository(conn).add_holding(
        {
            "id": c.id,
            "kind": "converted_grant",
            "fund_id": None,
            "contract_id": c.id,
            "company": conv.company,
            "amount": conv.grant_amount,
            "equity_percent": conv.equity_percent,
            "institute_percent": conv.equity_percent,
            "held_since": conv.occurred_on,
            "recorded_at": conv.converted_at,
        }
    )
