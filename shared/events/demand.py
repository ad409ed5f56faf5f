"""Events published by the demand service."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from shared.events import topics
from shared.events.base import DomainEvent


class _DemandEvent(DomainEvent):
    TOPIC: ClassVar[str] = topics.DEMAND
    AGGREGATE: ClassVar[str] = "demand"
    KEY: ClassVar[str] = "demand_id"


class EnterpriseRegistered(DomainEvent):
    TYPE: ClassVar[str] = "EnterpriseRegistered"
    TOPIC: ClassVar[str] = topics.DEMAND
    AGGREGATE: ClassVar[str] = "enterprise"
    KEY: ClassVar[str] = "enterprise_id"

    enterprise_id: UUID
    name: str
    credit_code: str
    province: str
    city: str
    industry_code: str
    registered_at: datetime


class DemandSubmitted(_DemandEvent):
    """An enterprise submitted a technology demand; the full text travels with it."""

    TYPE: ClassVar[str] = "DemandSubmitted"

    demand_id: UUID
    enterprise_id: UUID
    title: str
    description: str
    fields: list[str]
    keywords: list[str]
    demand_type: str
    budget: Decimal | None = None
    currency: str = "CNY"
    deadline: datetime | None = None
    province: str | None = None
    city: str | None = None
    trl_current: int | None = None
    trl_target: int | None = None
    confidentiality: str = "public"
    center_id: UUID | None = None
    submitted_at: datetime


class JointInnovationCenterEstablished(DomainEvent):
    TYPE: ClassVar[str] = "JointInnovationCenterEstablished"
    TOPIC: ClassVar[str] = topics.DEMAND
    AGGREGATE: ClassVar[str] = "center"
    KEY: ClassVar[str] = "center_id"

    center_id: UUID
    enterprise_id: UUID
    name: str
    established_on: str
    committed_funding: Decimal


class DemandDrafted(_DemandEvent):
    TYPE: ClassVar[str] = "DemandDrafted"

    demand_id: UUID
    enterprise_id: UUID
    title: str
    drafted_at: datetime


class DemandPublished(_DemandEvent):
    """An operator published a demand: it is open for matching."""

    TYPE: ClassVar[str] = "DemandPublished"

    demand_id: UUID
    enterprise_id: UUID
    title: str
    description: str
    fields: list[str]
    keywords: list[str]
    demand_type: str
    budget: Decimal | None = None
    deadline: datetime | None = None
    province: str | None = None
    city: str | None = None
    trl_current: int | None = None
    trl_target: int | None = None
    confidentiality: str = "public"
    center_id: UUID | None = None
    published_at: datetime


class DemandUpdated(_DemandEvent):
    TYPE: ClassVar[str] = "DemandUpdated"

    demand_id: UUID
    changed: dict[str, object]
    version: int
    updated_at: datetime


class DemandWithdrawn(_DemandEvent):
    TYPE: ClassVar[str] = "DemandWithdrawn"

    demand_id: UUID
    reason: str | None = None
    withdrawn_at: datetime


class DemandRejected(_DemandEvent):
    TYPE: ClassVar[str] = "DemandRejected"

    demand_id: UUID
    reason: str
    rejected_at: datetime


class DemandExpired(_DemandEvent):
    TYPE: ClassVar[str] = "DemandExpired"

    demand_id: UUID
    deadline: datetime
    expired_at: datetime


class DemandMatched(_DemandEvent):
    TYPE: ClassVar[str] = "DemandMatched"

    demand_id: UUID
    carrier_id: UUID | None = None
    matched_at: datetime


class DemandNegotiationStarted(_DemandEvent):
    TYPE: ClassVar[str] = "DemandNegotiationStarted"

    demand_id: UUID
    started_at: datetime


class DemandContracted(_DemandEvent):
    TYPE: ClassVar[str] = "DemandContracted"

    demand_id: UUID
    contract_id: UUID | None = None
    contracted_at: datetime


class DemandClosed(_DemandEvent):
    TYPE: ClassVar[str] = "DemandClosed"

    demand_id: UUID
    contract_id: UUID | None = None
    closed_at: datetime


class DemandAccessGranted(_DemandEvent):
    """A carrier may now read a confidential demand in full."""

    TYPE: ClassVar[str] = "DemandAccessGranted"

    demand_id: UUID
    carrier_id: UUID
    granted_by: str
    granted_at: datetime


class DemandAccessRevoked(_DemandEvent):
    TYPE: ClassVar[str] = "DemandAccessRevoked"

    demand_id: UUID
    carrier_id: UUID
    revoked_by: str
    revoked_at: datetime
