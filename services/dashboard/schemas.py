"""What the dashboard's API returns (documentation of the wire format; money is an exact string)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

MoneyStr = str  # an exact decimal with two places, e.g. "2500000.00"


class KpiFunnel(BaseModel):
    submitted: int = Field(description="Demands submitted")
    published: int
    matched: int
    contracted: int
    completed: int = Field(description="Demands closed after their contract completed")
    withdrawn: int
    rejected: int
    expired: int


class KpiMoney(BaseModel):
    currency: str = "CNY"
    intended: MoneyStr | None = Field(
        description="Sum of the budgets of the submitted demands; null when suppressed (see `suppressed`)"
    )
    contracted: MoneyStr = Field(description="Sum of the values of the signed contracts (latest version)")
    paid: MoneyStr = Field(description="Sum of the recorded payments")
    suppressed: list[str] = Field(
        description="Figures hidden from this caller because they would reveal confidential budgets: "
        "`intended` while fewer than k confidential budgets exist in all"
    )


class KpiContractCounts(BaseModel):
    signed: int
    completed: int
    terminated: int


class KpiBreakdownRow(BaseModel):
    key: str | None = Field(description="Center, carrier or person id, field code or YYYY-MM; null: not attributed")
    label: str | None
    submitted: int
    published: int
    matched: int
    contracted: int
    completed: int
    intended: MoneyStr | None = Field(description="Null when suppressed (see `suppressed`)")
    contracts: int
    contracted_value: MoneyStr
    paid: MoneyStr
    suppressed: list[str] = Field(
        description="Figures hidden from this caller (dashboard viewers): `intended` when it adds up fewer than "
        "k confidential budgets, or when it must be hidden so that the total cannot reveal another row"
    )


class KpiBreakdowns(BaseModel):
    center: list[KpiBreakdownRow]
    carrier: list[KpiBreakdownRow]
    project_manager: list[KpiBreakdownRow]
    field: list[KpiBreakdownRow] = Field(description="A demand with several fields counts in each of them")
    province: list[KpiBreakdownRow] = Field(description="The demand's province (its contracts and payments with it)")
    month: list[KpiBreakdownRow] = Field(
        description="Each figure in the month of its own event, in the institute's time zone "
        "(`ITP_INSTITUTE_TIMEZONE`, default Asia/Shanghai), as the contracts' monthly totals"
    )


class KpiCentersInYear(BaseModel):
    year: str = Field(description="YYYY, the institute's calendar")
    established: int


class KpiTrainees(BaseModel):
    enrolled: int
    placed: int = Field(description="Started their placement at the host carrier")
    graduated: int
    withdrawn: int


class KpiPartnerUniversities(BaseModel):
    domestic: int
    overseas: int


class KpiSupply(BaseModel):
    centers: int = Field(description="Joint innovation centers established (by their establishment date)")
    centers_by_year: list[KpiCentersInYear]
    carriers_by_kind: dict[str, int] = Field(description="Carriers registered, by kind")
    partner_universities: KpiPartnerUniversities = Field(description="Carriers that are universities")
    people_by_role: dict[str, int] = Field(description="People registered, by role (a person counts in each role)")
    trainees: KpiTrainees = Field(description="Jointly trained graduate students and postdocs")


class KpiFunds(BaseModel):
    currency: str = "CNY"
    funds: int = Field(description="Venture funds the institute backs, established in the period")
    committed_capital: MoneyStr
    institute_commitment: MoneyStr = Field(description="The institute's own commitments (its stake, 5-20 % each)")
    social_capital_leveraged: MoneyStr = Field(description="Committed capital beyond the institute's own")
    leverage_ratio: MoneyStr | None = Field(description="Social capital per yuan of the institute's; null: no funds")
    investments: int = Field(description="Investments the funds made in companies in the period")
    invested: MoneyStr


class KpiFundYear(BaseModel):
    year: str = Field(description="YYYY, the institute's calendar")
    funds: int = Field(description="Funds established that year")
    committed_capital: MoneyStr
    institute_commitment: MoneyStr
    social_capital: MoneyStr
    investments: int = Field(description="Investments made that year (by any fund)")
    invested: MoneyStr


class KpiFundYears(BaseModel):
    items: list[KpiFundYear]


class KpiBreakdownPage(BaseModel):
    items: list[KpiBreakdownRow]
    next_cursor: str | None = None
    total: int = Field(description="How many rows the breakdown has in all")


class KpisOut(BaseModel):
    funnel: KpiFunnel
    money: KpiMoney
    contracts: KpiContractCounts
    breakdowns: KpiBreakdowns
    supply: KpiSupply = Field(description="The supply side; with `from`/`to`, what started in the period")
    funds: KpiFunds = Field(description="The funds the institute backs; with `from`/`to`, what happened in the period")
    breakdown_sizes: dict[str, int] = Field(description="How many keys each breakdown has in all (rows are capped)")


class DashboardRecentEvent(BaseModel):
    id: str
    type: str
    subject: str
    time: datetime
    label: str | None = Field(
        default=None, description="What the event concerns: a demand's title, a center's or a carrier's name"
    )


class DashboardRecentEventsOut(BaseModel):
    items: list[DashboardRecentEvent]


class DashboardStreamStatsOut(BaseModel):
    subscribers: int
    published: int
    delivered: int
    dropped: int
