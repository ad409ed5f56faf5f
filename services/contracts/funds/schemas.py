"""Request and response bodies of the funds and the portfolio (money as exact decimal strings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.contracts.schemas import PositiveMoney, StakePercent, Strict
from shared.validation import chars


class FundCreate(Strict):
    name: Annotated[str, chars(2, 200)] = Field(description="e.g. 江苏产业技术研究院创新投资基金")
    manager: Annotated[str, chars(2, 200)] = Field(description="The fund's manager (general partner)")
    committed_capital: PositiveMoney = Field(description="The fund's total committed capital (CNY)")
    institute_commitment: PositiveMoney = Field(
        description="The institute's own commitment; its stake (commitment / capital) must lie within policy"
    )
    established_on: date = Field(description="The day it was established (the institute's calendar); not in the future")


class InvestmentCreate(Strict):
    company: Annotated[str, chars(2, 200)]
    amount: PositiveMoney
    stake_percent: StakePercent | None = Field(default=None, description="The stake in the company it buys")
    invested_on: date = Field(description="Value date (the institute's calendar); not in the future")
    contract_id: UUID | None = Field(default=None, description="The contract whose technology it commercialises")
    note: Annotated[str, chars(1, 1000)] | None = None


class FundOut(BaseModel):
    id: UUID
    name: str
    manager: str
    currency: Literal["CNY"]
    committed_capital: str
    institute_commitment: str
    institute_stake_percent: str
    social_capital: str = Field(description="Social capital the institute's commitment leveraged")
    invested_total: str
    available: str = Field(description="Committed capital not yet invested")
    investments: int
    established_on: date
    version: int
    created_at: datetime


class FundPage(BaseModel):
    items: list[FundOut]
    next_cursor: str | None


class InvestmentOut(BaseModel):
    id: UUID
    fund_id: UUID
    company: str
    amount: str
    stake_percent: str | None
    institute_look_through_percent: str | None = Field(description="The stake x the institute's stake in the fund")
    invested_on: date
    contract_id: UUID | None
    note: str | None
    created_at: datetime


class InvestmentPage(BaseModel):
    items: list[InvestmentOut]
    next_cursor: str | None


class HoldingOut(BaseModel):
    id: UUID = Field(description="The fund investment's id, or the converted contract's")
    kind: Literal["fund_investment", "converted_grant"]
    fund_id: UUID | None
    contract_id: UUID | None
    company: str
    amount: str = Field(description="What was invested, or the grant that converted")
    equity_percent: str | None = Field(description="The stake in the company")
    institute_percent: str | None = Field(description="The institute's own share: direct, or through the fund")
    held_since: date


class PortfolioTotals(BaseModel):
    currency: Literal["CNY"]
    funds: int
    committed_capital: str
    institute_commitment: str
    social_capital_leveraged: str
    leverage_ratio: str | None = Field(description="Social capital per yuan the institute committed")
    invested_total: str
    fund_investments: int
    converted_grants: int
    converted_grant_amount: str


class PortfolioOut(BaseModel):
    totals: PortfolioTotals
    items: list[HoldingOut]
    next_cursor: str | None
