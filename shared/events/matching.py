"""Events published by the matching service."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from shared.events import topics
from shared.events.base import DomainEvent


class SuggestedCarrier(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    carrier_id: UUID
    rank: int
    score: float
    components: dict[str, float]
    matched_terms: list[str]


class MatchesSuggested(DomainEvent):
    """A ranked list of carriers was suggested for a demand, each with its reasons."""

    TYPE: ClassVar[str] = "MatchesSuggested"
    TOPIC: ClassVar[str] = topics.MATCHING
    AGGREGATE: ClassVar[str] = "demand"
    KEY: ClassVar[str] = "demand_id"

    demand_id: UUID
    suggestion_set_id: UUID
    carriers: list[SuggestedCarrier]
    suggested_at: datetime


class MatchReason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str  # field_mismatch, no_capacity, budget_mismatch, already_working_together, other
    note: str | None = None


class MatchAccepted(DomainEvent):
    """A project manager accepted a suggested carrier for a demand. It carries what the
    contracts service needs to draft a contract without asking anyone."""

    TYPE: ClassVar[str] = "MatchAccepted"
    TOPIC: ClassVar[str] = topics.MATCHING
    AGGREGATE: ClassVar[str] = "match"
    KEY: ClassVar[str] = "demand_id"

    match_id: UUID
    demand_id: UUID
    carrier_id: UUID
    enterprise_id: UUID
    project_manager_id: UUID | None = None
    accepted_by: str
    demand_title: str
    demand_type: str
    budget: Decimal | None = None
    center_id: UUID | None = None
    score: float | None = None
    accepted_at: datetime


class MatchRejected(DomainEvent):
    """A project manager rejected a suggestion with a structured reason."""

    TYPE: ClassVar[str] = "MatchRejected"
    TOPIC: ClassVar[str] = topics.MATCHING
    AGGREGATE: ClassVar[str] = "match"
    KEY: ClassVar[str] = "demand_id"

    demand_id: UUID
    carrier_id: UUID
    reason: MatchReason
    rejected_by: str
    rejected_at: datetime


class ProposedDemand(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    demand_id: UUID
    carrier_ids: list[UUID]
    scores: list[float]


class UnservedDemand(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    demand_id: UUID
    reason: str


class AssignmentProposed(DomainEvent):
    """A capacity-aware joint assignment of a batch of demands to carriers."""

    TYPE: ClassVar[str] = "AssignmentProposed"
    TOPIC: ClassVar[str] = topics.MATCHING
    AGGREGATE: ClassVar[str] = "assignment_batch"
    KEY: ClassVar[str] = "batch_id"

    batch_id: UUID
    proposals: list[ProposedDemand]
    unserved: list[UnservedDemand]
    total_score: float
    proposed_at: datetime
