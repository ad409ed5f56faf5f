"""Matching configuration: the score weights and the knobs of suggestion and assignment.

Read from the environment with the prefix ``ITP_MATCHING_`` (for example
``ITP_MATCHING_WEIGHTS='{"text": 0.5, "fields": 0.3}'``, ``ITP_MATCHING_TOP_K=10``). The
default weights are the ones tuned on the tuning half of ``bench/matching``'s evaluation
set (see ``bench/matching/evaluate.py``).
"""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.matching.scoring import COMPONENTS, DEFAULT_WEIGHTS


class MatchingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ITP_MATCHING_", extra="ignore")

    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    expert_weights: dict[str, float] | None = None  # None: the same as ``weights``
    top_k: int = Field(default=10, ge=1, le=50)
    expert_top_k: int = Field(default=5, ge=0, le=50)
    # Re-suggest for at most this many open demands per profile change (the most affected first).
    rematch_limit: int = Field(default=200, ge=0)
    # How often a process catches its in-memory index up with rows another replica wrote.
    index_sync_interval_s: float = Field(default=1.0, ge=0)
    # The window re-read on each catch-up: it covers a replica's transaction still committing and
    # small clock skew. Everything in it is re-read every interval, so it stays short: 30 s made
    # each second's catch-up reload every suggestion of the last 30 s (the latency tail under load).
    index_sync_overlap_s: float = Field(default=3.0, ge=0)
    # Curation: how strongly a rejection lowers similar suggestions for the same demand.
    rejection_field_strength: float = Field(default=0.5, ge=0, le=1)
    rejection_capacity_factor: float = Field(default=0.85, gt=0, le=1)
    rejection_budget_factor: float = Field(default=0.85, gt=0, le=1)
    rejection_together_factor: float = Field(default=0.7, gt=0, le=1)
    # Batch assignment: candidates per demand considered by the solver.
    assignment_candidates: int = Field(default=50, ge=1, le=1000)

    @field_validator("weights", "expert_weights")
    @classmethod
    def _known_components(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return v
        unknown = set(v) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown score components: {', '.join(sorted(unknown))}")
        if any(w < 0 for w in v.values()) or sum(v.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        return v

    @property
    def weights_for_experts(self) -> dict[str, float]:
        return self.expert_weights or self.weights
