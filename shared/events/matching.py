"""Events published by the matching service."""

from __future__ import annotations

from datetime import datetime
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
