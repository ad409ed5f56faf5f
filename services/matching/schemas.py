"""Request and response bodies of the matching service, validated at the edge."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.matching.domain import ReasonCode
from shared.validation import chars


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Reason(Strict):
    code: ReasonCode = Field(
        description="field_mismatch, no_capacity, budget_mismatch, already_working_together, other"
    )
    note: Annotated[str, chars(1, 500)] | None = None


class MatchDecisionCreate(Strict):
    """Accept or reject a suggested carrier for a demand."""

    demand_id: UUID
    carrier_id: UUID
    decision: Literal["accepted", "rejected"]
    reason: Reason | None = Field(default=None, description="Required when rejecting")

    @model_validator(mode="after")
    def _reason_for_rejection(self) -> MatchDecisionCreate:
        if self.decision == "rejected" and self.reason is None:
            raise ValueError("a rejection needs a structured reason")
        return self


class TeamMember(Strict):
    person_id: UUID
    role: Annotated[str, chars(2, 50, pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="The person's role in the team (principal_investigator, engineer...)"
    )


class Team(Strict):
    """Two or more people (each with free capacity) led by one of them."""

    lead_person_id: UUID
    members: list[TeamMember] = Field(min_length=2, max_length=20)

    @model_validator(mode="after")
    def _a_team(self) -> Team:
        ids = [m.person_id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("a person is in the team once")
        if self.lead_person_id not in ids:
            raise ValueError("the lead is one of the members")
        return self


class OfflineMatchCreate(Strict):
    """A match a project manager made outside the suggestions (the carrier need not have been
    suggested): accepted at once, with why. To a carrier, or to a team of people: then the
    carrier that contracts is ``carrier_id``, by default the lead's employer."""

    demand_id: UUID
    carrier_id: UUID | None = Field(default=None, description="Required unless a team's lead is employed by a carrier")
    team: Team | None = None
    reason: Annotated[str, chars(2, 500)] = Field(
        description="Why this carrier or team, found outside the platform's suggestions (required)"
    )

    @model_validator(mode="after")
    def _a_counterparty(self) -> OfflineMatchCreate:
        if self.carrier_id is None and self.team is None:
            raise ValueError("give carrier_id, team or both")
        return self


class ConflictCreate(Strict):
    enterprise_id: UUID
    carrier_id: UUID
    reason: Annotated[str, chars(2, 500)]


class AssignmentRequest(Strict):
    """A batch of open demands to assign jointly: by ids, or everything published since a time."""

    demand_ids: list[UUID] | None = Field(default=None, max_length=5000)
    published_since: datetime | None = None
    k: int = Field(default=3, ge=1, le=20, description="Carriers per demand, at most")
    floor: float = Field(default=0.3, ge=0.0, le=1.0, description="The lowest score a proposed pair may have")
    max_demands: int = Field(default=1000, ge=1, le=5000)

    @model_validator(mode="after")
    def _a_batch(self) -> AssignmentRequest:
        if not self.demand_ids and self.published_since is None:
            raise ValueError("give demand_ids, published_since or both")
        if self.published_since is not None and self.published_since.tzinfo is None:
            raise ValueError("published_since needs a time zone")
        return self


# -- responses (fields a caller may not see are left out: every field but the ids is optional) --


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class SuggestedCarrierOut(Open):
    carrier_id: UUID
    name: str | None = None
    rank: int | None = None
    score: float | None = None
    base_score: float | None = None
    components: dict[str, float] = Field(default_factory=dict)
    matched_terms: list[str] = Field(default_factory=list)
    at_capacity: bool | None = None
    adjustments: list[dict[str, Any]] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)
    decision: str | None = Field(default=None, description="suggested, accepted or rejected")
    match_id: UUID | None = None
    teaser: bool | None = Field(default=None, description="Only the teaser's part may be shown to you")


class SuggestedExpertOut(Open):
    person_id: UUID
    name: str | None = None
    carrier_id: UUID | None = None
    rank: int | None = None
    score: float | None = None
    components: dict[str, float] = Field(default_factory=dict)
    matched_terms: list[str] = Field(default_factory=list)
    at_capacity: bool | None = None
    teaser: bool | None = None


class SuggestionsOut(Open):
    """A demand's latest ranked carriers and experts (``limit`` of each at most)."""

    demand_id: UUID
    status: str | None = Field(default=None, description="The demand's status")
    enterprise_id: UUID | None = None
    suggestion_set_id: UUID | None = Field(default=None, description="None when none was made yet")
    suggested_at: datetime | None = None
    trigger: str | None = None
    weights: dict[str, float] = Field(default_factory=dict)
    carriers: list[SuggestedCarrierOut]
    experts: list[SuggestedExpertOut]
    visibility: str | None = Field(default=None, description="'own carrier only' for a carrier's user")
    teaser: bool | None = None


class InboxItemOut(Open):
    demand_id: UUID
    teaser: bool | None = None


class InboxOut(BaseModel):
    items: list[InboxItemOut]


class MatchOut(Open):
    match_id: UUID
    demand_id: UUID | None = None
    carrier_id: UUID | None = None
    decision: str | None = None
    origin: Literal["suggestion", "offline"] | None = Field(
        default=None, description="A decision on a suggestion, or a match made outside them (no suggestion_set_id)"
    )
    team: Team | None = Field(default=None, description="The people of a match to a team")
    teaser: bool | None = None


class MatchPage(BaseModel):
    items: list[MatchOut]
    next_cursor: str | None = None


class ConflictOut(Open):
    id: UUID


class ConflictPage(BaseModel):
    items: list[ConflictOut]
    next_cursor: str | None = None


class BatchAssignmentOut(Open):
    batch_id: UUID


class InferredField(BaseModel):
    """A vocabulary code a text is about, with the confidence of the inference (0..1)."""

    code: str
    zh: str
    en: str
    confidence: float
