"""Request and response bodies of the matching service, validated at the edge."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
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
