"""Request and response bodies of the contracts service, validated at the edge.

Money is ``Money`` (exact decimal strings in, exact decimal strings out, two decimals);
percentages are decimals too. Whole-contract rules (milestones adding up to the value,
signing readiness, settled milestones) are the domain's, checked against the stored state.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.contracts.domain import (
    HUNDRED,
    MAX_MILESTONES,
    Confidentiality,
    ContractType,
    InvestmentTerms,
    IpOwnership,
    MilestoneSpec,
    Party,
)
from shared.validation import Money, PositiveMoney, chars

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
StakePercent = Annotated[Decimal, Field(gt=0, le=100, max_digits=7, decimal_places=4)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MilestoneIn(Strict):
    id: UUID | None = Field(default=None, description="An existing milestone's id to keep it; omit for a new one")
    title: Annotated[str, chars(2, 200)]
    deliverables: Annotated[str, chars(2, 2000)]
    due_on: date
    amount: PositiveMoney

    def spec(self) -> MilestoneSpec:
        return MilestoneSpec(self.title, self.deliverables, self.due_on, self.amount, self.id)


class InvestmentIn(Strict):
    """Allocation and investment: the institute's grant and what it converts into."""

    grant_amount: PositiveMoney
    company: Annotated[str, chars(2, 200)] | None = Field(
        default=None, description="The company whose equity the grant becomes (may be named at conversion)"
    )
    stake_percent: StakePercent | None = Field(default=None, description="An agreed stake for the grant")
    conversion_valuation: PositiveMoney | None = Field(
        default=None, description="Or an agreed valuation: stake = grant / valuation x 100"
    )
    team_holding_percent: Percent | None = None
    equity_incentive_percent: Percent | None = None

    @model_validator(mode="after")
    def _consistent(self) -> InvestmentIn:
        if self.stake_percent is not None and self.conversion_valuation is not None:
            raise ValueError("agree either stake_percent or conversion_valuation, not both")
        if self.conversion_valuation is not None and self.conversion_valuation < self.grant_amount:
            raise ValueError("conversion_valuation cannot be below grant_amount (the stake would exceed 100%)")
        held = sum(
            (v for v in (self.team_holding_percent, self.equity_incentive_percent, self.stake_percent) if v),
            Decimal(0),
        )
        if held > HUNDRED:
            raise ValueError(f"team holding, equity incentive and stake add up to {held}%, above 100%")
        return self

    def terms(self) -> InvestmentTerms:
        return InvestmentTerms(
            grant_amount=self.grant_amount,
            company=self.company,
            stake_percent=self.stake_percent,
            conversion_valuation=self.conversion_valuation,
            team_holding_percent=self.team_holding_percent,
            equity_incentive_percent=self.equity_incentive_percent,
        )


_NOT_NULL = ("contract_type", "title", "value", "confidentiality", "milestones")


class TermsIn(Strict):
    """Terms of a contract; on a change only the fields sent are changed (``milestones`` is the
    whole plan; ``investment: null`` removes the investment terms)."""

    contract_type: ContractType | None = None
    title: Annotated[str, chars(4, 200)] | None = None
    scope: Annotated[str, chars(10, 10000)] | None = Field(default=None, description="The work to be done")
    value: Money | None = Field(default=None, description='Contract value in CNY, e.g. "3200000.00"')
    starts_on: date | None = None
    ends_on: date | None = None
    ip_ownership: IpOwnership | None = None
    ip_enterprise_share: Percent | None = Field(default=None, description="Joint ownership only")
    ip_carrier_share: Percent | None = Field(default=None, description="Joint ownership only")
    confidentiality: Confidentiality | None = None
    confidentiality_years: Annotated[int, Field(ge=1, le=50)] | None = None
    milestones: Annotated[list[MilestoneIn], Field(max_length=MAX_MILESTONES)] | None = None
    investment: InvestmentIn | None = None

    @model_validator(mode="after")
    def _coherent(self) -> TermsIn:
        nulls = [f for f in _NOT_NULL if f in self.model_fields_set and getattr(self, f) is None]
        if nulls:
            raise ValueError(f"cannot be null: {', '.join(nulls)}")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        e, c = self.ip_enterprise_share, self.ip_carrier_share
        if self.ip_ownership is IpOwnership.JOINT and e is not None and c is not None and e + c != HUNDRED:
            raise ValueError(f"joint IP shares must add up to exactly 100%, got {e + c}%")
        if self.ip_ownership in (IpOwnership.ENTERPRISE, IpOwnership.CARRIER) and (e is not None or c is not None):
            raise ValueError("IP shares are given only for joint ownership")
        ids = [m.id for m in self.milestones or [] if m.id is not None]
        if len(ids) != len(set(ids)):
            raise ValueError("a milestone id appears twice")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent, as domain values."""
        out: dict[str, Any] = {}
        for name in self.model_fields_set & set(TermsIn.model_fields):
            value = getattr(self, name)
            if name == "milestones":
                value = [m.spec() for m in value]
            elif name == "investment":
                value = value.terms() if value is not None else None
            out[name] = value
        return out


class ContractCreate(TermsIn):
    """Draft a contract for an accepted match. When this service has seen the match, the parties,
    project manager, center, title, type and value come from it; otherwise give them."""

    match_id: UUID
    demand_id: UUID | None = None
    enterprise_id: UUID | None = None
    carrier_id: UUID | None = None
    project_manager_id: UUID | None = None
    center_id: UUID | None = None


class SignBody(Strict):
    party: Party | None = Field(
        default=None, description="Which side signs; inferred for enterprise and carrier users, required for staff"
    )
    signatory: Annotated[str, chars(2, 100)] | None = Field(
        default=None, description="The signatory as written on the contract, e.g. 法定代表人 张伟"
    )


class DeliverBody(Strict):
    note: Annotated[str, chars(1, 2000)] | None = None


class RejectBody(Strict):
    reason: Annotated[str, chars(2, 1000)]


class PaymentCreate(Strict):
    amount: PositiveMoney
    paid_on: date | None = Field(default=None, description="Value date (China time); today when omitted")
    reference: Annotated[str, chars(1, 100)] | None = Field(default=None, description="Bank reference")
    note: Annotated[str, chars(1, 1000)] | None = None


class ConversionCreate(Strict):
    commercialisation_event: Annotated[str, chars(2, 500)] = Field(
        description="What happened, e.g. 成立常州锂源储能材料有限公司并完成首轮融资"
    )
    occurred_on: date
    stake_percent: StakePercent | None = None
    conversion_valuation: PositiveMoney | None = None
    company: Annotated[str, chars(2, 200)] | None = None

    @model_validator(mode="after")
    def _one_basis(self) -> ConversionCreate:
        if self.stake_percent is not None and self.conversion_valuation is not None:
            raise ValueError("give either stake_percent or conversion_valuation, not both")
        return self


class TerminateBody(Strict):
    reason: Annotated[str, chars(2, 1000)]


# --- responses (documentation; the routes render these shapes) -----------------------------------


class MilestoneOut(BaseModel):
    id: UUID
    position: int
    title: str
    deliverables: str
    due_on: date
    amount: Decimal
    status: str
    paid_amount: Decimal
    outstanding: Decimal
    delivered_at: datetime | None
    delivery_note: str | None
    accepted_at: datetime | None
    rejected_at: datetime | None
    rejection_reason: str | None
    rejections: int
    paid_at: datetime | None
    cancelled_at: datetime | None
    allowed_actions: list[str]


class ContractOut(BaseModel):
    id: UUID
    match_id: UUID | None
    demand_id: UUID | None
    enterprise_id: UUID
    carrier_id: UUID
    project_manager_id: UUID | None
    center_id: UUID | None
    status: str
    allowed_actions: list[str]
    contract_type: str
    title: str
    scope: str | None
    value: Decimal
    currency: str
    starts_on: date | None
    ends_on: date | None
    ip_ownership: str | None
    ip_enterprise_share: Decimal | None
    ip_carrier_share: Decimal | None
    confidentiality: str
    confidentiality_years: int | None
    milestones: list[MilestoneOut]
    milestones_total: Decimal
    paid_total: Decimal
    outstanding: Decimal
    investment: dict[str, Any] | None
    conversion: dict[str, Any] | None
    contract_version: int
    signing: dict[str, Any] | None = Field(description="The version being signed, its signatures and what is missing")
    amendment: dict[str, Any] | None
    signed_at: datetime | None
    signed_month: str | None
    completed_at: datetime | None
    terminated_at: datetime | None
    termination_reason: str | None
    created_by: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class ContractPage(BaseModel):
    items: list[ContractOut]
    next_cursor: str | None


class TotalsItem(BaseModel):
    key: str | None = Field(description="carrier, center or project manager id, or YYYY-MM; null: none set")
    contracts: int
    value_signed: Decimal
    paid: Decimal
    outstanding: Decimal = Field(description="still to be paid under contracts not terminated")
    cancelled: Decimal = Field(description="unpaid value of terminated contracts")
    paid_in_month: Decimal | None = Field(default=None, description="by=month: payments dated in that month")


class TotalsOut(BaseModel):
    by: str
    currency: str
    items: list[TotalsItem]
    total: TotalsItem
    next_cursor: str | None


class ContractRecord(BaseModel):
    """An entry of a contract's history, versions or payments (its members as the list documents them)."""

    model_config = ConfigDict(extra="allow")


class ContractRecordPage(BaseModel):
    items: list[ContractRecord]
    next_cursor: str | None = None
