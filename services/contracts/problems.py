"""The problem+json answer for each rule the contracts domain refuses (contracts and funds alike)."""

from __future__ import annotations

from services.contracts.domain import (
    DomainError,
    IllegalMilestoneTransition,
    IllegalTransition,
    RuleViolation,
    UnknownMilestone,
)
from shared.problems import NotFound, Problem, illegal_transition
from shared.records import jsonable


def domain_problem(exc: DomainError | ValueError) -> Problem:
    """The problem+json answer for a rule the domain refused."""
    if isinstance(exc, IllegalTransition):
        return illegal_transition(str(exc), exc.status.value, exc.allowed)
    if isinstance(exc, IllegalMilestoneTransition):
        return illegal_transition(
            str(exc),
            exc.status.value,
            exc.allowed,
            title="This action is not allowed in the milestone's current state",
            milestone_id=str(exc.milestone_id),
        )
    if isinstance(exc, RuleViolation):
        return Problem(409, exc.slug, str(exc), **{k: jsonable(v) for k, v in exc.extra.items()})
    if isinstance(exc, UnknownMilestone):
        return NotFound("milestone", exc.milestone_id)
    return Problem(422, "validation-error", str(exc), title="Your request is not valid")
