"""Events published by the contracts service. The key is always the contract id, so one
contract's history keeps its order."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from shared.events import topics
from shared.events.base import DomainEvent


class _ContractEvent(DomainEvent):
    TOPIC: ClassVar[str] = topics.CONTRACTS
    AGGREGATE: ClassVar[str] = "contract"
    KEY: ClassVar[str] = "contract_id"


class ContractDrafted(_ContractEvent):
    TYPE: ClassVar[str] = "ContractDrafted"

    contract_id: UUID
    demand_id: UUID | None = None
    match_id: UUID | None = None
    enterprise_id: UUID
    carrier_id: UUID
    project_manager_id: UUID | None = None
    center_id: UUID | None = None
    contract_type: str
    title: str
    value: Decimal
    currency: str = "CNY"
    starts_on: date | None = None
    ends_on: date | None = None
    drafted_at: datetime


class ContractSignedByParty(_ContractEvent):
    TYPE: ClassVar[str] = "ContractSignedByParty"

    contract_id: UUID
    party: str  # "enterprise" or "carrier"
    signed_by: str
    contract_version: int
    signed_at: datetime


class ContractSigned(_ContractEvent):
    """Both parties signed: the contract is in force."""

    TYPE: ClassVar[str] = "ContractSigned"

    contract_id: UUID
    demand_id: UUID | None = None
    enterprise_id: UUID
    carrier_id: UUID
    project_manager_id: UUID | None = None
    center_id: UUID | None = None
    contract_type: str
    value: Decimal
    contract_version: int
    signed_at: datetime


class ContractAmended(_ContractEvent):
    TYPE: ClassVar[str] = "ContractAmended"

    contract_id: UUID
    contract_version: int
    changes: dict[str, object]
    value: Decimal
    amended_at: datetime


class MilestoneDelivered(_ContractEvent):
    TYPE: ClassVar[str] = "MilestoneDelivered"

    contract_id: UUID
    milestone_id: UUID
    delivered_at: datetime


class MilestoneAccepted(_ContractEvent):
    TYPE: ClassVar[str] = "MilestoneAccepted"

    contract_id: UUID
    milestone_id: UUID
    amount: Decimal
    accepted_at: datetime


class MilestoneRejected(_ContractEvent):
    TYPE: ClassVar[str] = "MilestoneRejected"

    contract_id: UUID
    milestone_id: UUID
    reason: str
    rejected_at: datetime


class PaymentRecorded(_ContractEvent):
    TYPE: ClassVar[str] = "PaymentRecorded"

    contract_id: UUID
    milestone_id: UUID
    payment_id: UUID
    enterprise_id: UUID
    carrier_id: UUID
    amount: Decimal
    contract_paid_total: Decimal
    recorded_at: datetime


class GrantConvertedToEquity(_ContractEvent):
    """An institute grant converted into an equity stake when commercialisation was recorded."""

    TYPE: ClassVar[str] = "GrantConvertedToEquity"

    contract_id: UUID
    company: str
    grant_amount: Decimal
    equity_percent: Decimal
    conversion_valuation: Decimal | None = None
    converted_at: datetime


class ContractCompleted(_ContractEvent):
    TYPE: ClassVar[str] = "ContractCompleted"

    contract_id: UUID
    demand_id: UUID | None = None
    enterprise_id: UUID
    carrier_id: UUID
    project_manager_id: UUID | None = None
    value: Decimal
    paid_total: Decimal
    completed_at: datetime


class ContractTerminated(_ContractEvent):
    TYPE: ClassVar[str] = "ContractTerminated"

    contract_id: UUID
    demand_id: UUID | None = None
    enterprise_id: UUID
    carrier_id: UUID
    reason: str
    cancelled_milestones: int
    terminated_at: datetime


class _FundEvent(DomainEvent):
    """The funds the institute backs (the contracts service's financial ecology); keyed by fund."""

    TOPIC: ClassVar[str] = topics.CONTRACTS
    AGGREGATE: ClassVar[str] = "fund"
    KEY: ClassVar[str] = "fund_id"


class FundEstablished(_FundEvent):
    """A venture fund the institute backs: its stake within policy, the rest social capital leveraged."""

    TYPE: ClassVar[str] = "FundEstablished"

    fund_id: UUID
    name: str
    manager: str
    committed_capital: Decimal
    institute_commitment: Decimal
    institute_stake_percent: Decimal
    social_capital: Decimal
    established_on: date
    recorded_at: datetime


class FundInvested(_FundEvent):
    """A fund invested in a company (never beyond its committed capital)."""

    TYPE: ClassVar[str] = "FundInvested"

    fund_id: UUID
    investment_id: UUID
    company: str
    amount: Decimal
    stake_percent: Decimal | None = None
    institute_look_through_percent: Decimal | None = None
    contract_id: UUID | None = None
    invested_on: date
    fund_invested_total: Decimal
    recorded_at: datetime
