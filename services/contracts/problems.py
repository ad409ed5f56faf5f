"""The problem+json answer for each rule the contracts domain refuses (contracts and funds alike)."""

from __future__ import annotations

from services.contracts.domain import (
    DomainError,
    IllegalMilestoneTransition,
    IllegalTransition,
    RuleViolation,
    UnknownMilestone,
)
from shared.problems import NotFound, Problem
from shared.records import jsonable


def domain_problem(exc: DomainError | ValueError) -> Problem:
    """The problem+json answer for a rule the domain refused."""
    if isinstance(exc, IllegalTransition):
        return Problem(
            409,
            "illegal-transition",
            str(exc),
            title="This action is not allowed in the current state",
            current_state=exc.status.value,
            allowed_actions=exc.allowed,
        )
    if isinstance(exc, IllegalMilestoneTransition):
        return Problem(
            409,
            "illegal-transition",
            str(exc),
            title="This action is not allowed in the milestone's current state",
            milestone_id=str(exc.milestone_id),
            current_state=exc.status.value,
            allowed_actions=exc.allowed,
        )
    if isinstance(exc, RuleViolation):
        return Problem(409, exc.slug, str(exc), **{k: jsonable(v) for k, v in exc.extra.items()})
    if isinstance(exc, UnknownMilestone):
        return NotFound("milestone", exc.milestone_id)
    return Problem(422, "validation-error", str(exc), title="Your request is not valid")
