"""Events published by the matching service."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events import topics
from shared.events.base import DomainEvent


class SuggestedCarrier(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    carrier_id: UUID
    rank: int
    score: float
    components: dict[str, float]
    matched_terms: list[str]
    # Optional additions (same version): shown as at capacity, not dropped; and why a
    # curation rule lowered it, in words.
    at_capacity: bool | None = None
    notes: list[str] = Field(default_factory=list)


class SuggestedExpert(BaseModel):
    """An expert (a person) suggested for a demand, ranked separately from the carriers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: UUID
    carrier_id: UUID | None = None
    rank: int
    score: float
    components: dict[str, float]
    matched_terms: list[str]
    at_capacity: bool = False


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
    experts: list[SuggestedExpert] = Field(default_factory=list)
    # What made it: demand_published, demand_submitted, requested, profile_changed,
    # capacity_changed, track_record_changed, demand_updated, rejection, conflict_of_interest.
    trigger: str | None = None


class TeamMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: UUID
    role: str  # principal_investigator, engineer, ... (as in talent's assignments)


class MatchTeam(BaseModel):
    """The people a demand is matched to, led by one of them; the match's carrier contracts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lead_person_id: UUID
    members: list[TeamMember]


class MatchReason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str  # field_mismatch, no_capacity, budget_mismatch, already_working_together, other
    note: str | None = None


class MatchAccepted(DomainEvent):
    """A project manager accepted a suggested carrier for a demand, or recorded a carrier matched
    outside the suggestions (then without ``suggestion_set_id`` and ``score``). It carries what
    the contracts service needs to draft a contract without asking anyone."""

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
    suggestion_set_id: UUID | None = None
    team: MatchTeam | None = None  # added (optional): a match to a team of people, its carrier contracting


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
    match_id: UUID | None = None
    suggestion_set_id: UUID | None = None


class ProposedDemand(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    demand_id: UUID
    carrier_ids: list[UUID]
    scores: list[float]
    # Why: each carrier's rank for this demand, and who was passed over and why.
    notes: list[str] = Field(default_factory=list)


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
    k: int | None = None
    floor: float | None = None
    requested_by: str | None = None
