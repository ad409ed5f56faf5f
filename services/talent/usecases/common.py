"""What the talent use cases share: the problems they answer with, who may create what (checked
before an Idempotency-Key's stored answer is looked up), list cursors, and the base of the use
case classes (the unit of work factory and the reader)."""

from __future__ import annotations

import uuid
from datetime import datetime

from services.talent.domain import (
    IllegalTransition,
    OverCapacity,
)
from services.talent.repository import (
    Cursor,
)
from services.talent.schemas import PersonCreate, TraineeCreate
from shared.auth import Actor, Role
from shared.outbox import UnitOfWorkFactory
from shared.pagination import parse_keyset_cursor
from shared.pgread import Reader
from shared.problems import Problem, illegal_transition

CLOSED_CONTRACT = frozenset({"completed", "terminated"})
# The name a demand's match and contracts lock while one of them is applied (shared/locks.py).
DEMAND_LOCKS = "talent-demand"


# --- problems -------------------------------------------------------------------------------


def transition_problem(exc: IllegalTransition) -> Problem:
    return illegal_transition(str(exc), exc.status.value, exc.allowed)


def over_capacity_problem(exc: OverCapacity) -> Problem:
    return Problem(
        409,
        "over-capacity",
        str(exc),
        title="This would exceed a capacity",
        subject_type=exc.subject_type.value,
        subject_id=str(exc.subject_id),
        capacity=exc.capacity,
        active_load=exc.active_load,
    )


def field_problem(slug: str, field_name: str, message: str) -> Problem:
    return Problem(422, slug, message, errors=[{"field": field_name, "message": message}])


def stale(what: str, current: int, wanted: int) -> Problem:
    return Problem(412, "precondition-failed", f"{what} is at version {current}, not {wanted}", current_version=current)


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail)


# --- who may create (checked before an Idempotency-Key's stored answer is looked up) ---------------


def authorize_person_registration(actor: Actor, data: PersonCreate) -> None:
    if not actor.is_staff and not (data.carrier_id is not None and actor.acts_for_carrier(data.carrier_id)):
        raise forbidden("a carrier user registers people of its own carrier only")


def authorize_enrolment(actor: Actor, data: TraineeCreate) -> None:
    if not actor.acts_for_carrier(data.carrier_id):
        raise forbidden("staff, or the carrier hosting the placement, enrol trainees")


def authorize_assignment(actor: Actor) -> None:
    """Staff and carrier users; whose researcher a carrier user may assign is checked with the person."""
    if not (actor.is_staff or actor.has(Role.CARRIER_USER)):
        raise forbidden("staff assign project managers; a carrier user assigns its own researchers")


def assignments_scope(actor: Actor) -> uuid.UUID | None:
    """Whose assignments ``actor`` may read: staff all of them (None); a carrier user its own
    carrier's (its researchers' and the carrier's own). An assignment names its target (a demand,
    maybe unpublished) and who works on it; talent knows neither demands' states nor their owners,
    so nobody else reads assignments (an enterprise sees the people on its demand through staff)."""
    if actor.is_staff:
        return None
    if actor.has(Role.CARRIER_USER) and actor.carrier_id is not None:
        return actor.carrier_id
    raise forbidden("assignments are read by staff and by the carrier concerned")


def list_cursor(kind: str, after: str | None) -> Cursor | None:
    """The (time, id) a list resumes after; a 400 for a cursor another list gave out."""
    if not after:
        return None
    when, ident = parse_keyset_cursor(after, kind, datetime)
    if not isinstance(when, datetime):
        raise Problem(400, "bad-cursor", "the cursor is not one this list gave out")
    return when, ident


CARRIERS_NEWEST = "carriers:-created_at"
PEOPLE_NEWEST = "people:-created_at"
TRAINEES_NEWEST = "trainees:-created_at"
ASSIGNMENTS_NEWEST = "assignments:-made_at"


class UseCases:
    """The base of the talent use case classes, which ``TalentService`` combines."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow
        self.reader = Reader(uow)
