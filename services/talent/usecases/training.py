"""Joint training: trainees enrolled with a carrier, through their placement."""

from __future__ import annotations

import uuid

from services.talent import domain
from services.talent.domain import (
    OPEN_TRAINEE_STATES,
    EnrolmentRefused,
    IllegalTransition,
    PersonRole,
    Trainee,
    TraineeAction,
)
from services.talent.repository import (
    TalentRepository,
    TraineeFilters,
)
from services.talent.schemas import TraineeCreate
from services.talent.usecases.common import (
    TRAINEES_NEWEST,
    UseCases,
    field_problem,
    forbidden,
    list_cursor,
    stale,
    transition_problem,
)
from shared.auth import Actor
from shared.outbox import UnitOfWork
from shared.pagination import keyset_cursor, page
from shared.problems import Conflict, NotFound, Problem


class Training(UseCases):
    # == joint training ============================================================================
    async def enrol_trainee(self, uow: UnitOfWork, data: TraineeCreate) -> Trainee:
        """A new enrolment (authorized first by :func:`authorize_enrolment`)."""
        repo = TalentRepository(uow.conn)
        person = await repo.get_person(data.person_id, for_update=True)
        if person is None:
            raise field_problem("unknown-person", "person_id", f"person {data.person_id} is not registered")
        if await repo.get_carrier(data.carrier_id) is None:
            raise field_problem("unknown-carrier", "carrier_id", f"carrier {data.carrier_id} is not registered")
        supervisor = None
        if data.supervisor_id is not None:
            supervisor = await repo.get_person(data.supervisor_id)
            if supervisor is None:
                raise field_problem("unknown-person", "supervisor_id", f"person {data.supervisor_id} is not registered")
        try:
            programme = domain.check_enrolment(
                person_id=data.person_id,
                person_roles=person["roles"],
                programme=PersonRole(data.programme) if data.programme else None,
                starts_on=data.starts_on,
                ends_on=data.ends_on,
                supervisor_id=data.supervisor_id,
                supervisor_roles=supervisor["roles"] if supervisor else None,
            )
        except EnrolmentRefused as exc:
            raise field_problem("enrolment-refused", exc.field, str(exc)) from exc
        open_id = await repo.open_training_of(data.person_id, [s.value for s in OPEN_TRAINEE_STATES])
        if open_id is not None:
            raise Conflict(
                "the person is already in joint training; graduate or withdraw that first",
                slug="already-enrolled",
                existing_id=str(open_id),
            )
        trainee = Trainee.enrol(
            now=uow.now(),
            person_id=data.person_id,
            programme=programme,
            university=data.university,
            carrier_id=data.carrier_id,
            supervisor_id=data.supervisor_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
        )
        await repo.add_trainee(trainee)
        uow.emit(*trainee.events)
        return trainee

    async def transition_trainee(
        self,
        trainee_id: uuid.UUID,
        action: TraineeAction,
        *,
        actor: Actor,
        if_match: int | None = None,
        reason: str | None = None,
    ) -> Trainee:
        async with self.uow() as uow:
            return await self.move_trainee(uow, trainee_id, action, actor=actor, if_match=if_match, reason=reason)

    async def move_trainee(
        self,
        uow: UnitOfWork,
        trainee_id: uuid.UUID,
        action: TraineeAction,
        *,
        actor: Actor,
        if_match: int | None = None,
        reason: str | None = None,
    ) -> Trainee:
        """A trainee along its training, in ``uow`` (dated ``uow.now()``: a history import's time)."""
        repo = TalentRepository(uow.conn)
        current = await repo.get_trainee(trainee_id, for_update=True)
        if current is None:
            raise NotFound("trainee", trainee_id)
        if not actor.acts_for_carrier(current.carrier_id):
            raise forbidden("staff, or the carrier hosting the placement, move a trainee along")
        if if_match is not None and if_match != current.version:
            raise stale("trainee", current.version, if_match)
        try:
            nxt = current.apply(action, now=uow.now(), reason=reason)
        except IllegalTransition as exc:
            raise transition_problem(exc) from exc
        except ValueError as exc:
            raise field_problem("validation-error", "reason", str(exc)) from exc
        if not await repo.save_trainee(nxt, expected_version=current.version):
            raise Problem(412, "precondition-failed", "the trainee changed meanwhile; reload and retry")
        uow.emit(*nxt.events)
        return nxt

    async def get_trainee(self, trainee_id: uuid.UUID) -> Trainee:
        async with self.uow.read() as conn:
            t = await TalentRepository(conn).get_trainee(trainee_id)
        if t is None:
            raise NotFound("trainee", trainee_id)
        return t

    async def list_trainees(
        self, filters: TraineeFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[Trainee], str | None]:
        async with self.uow.read() as conn:
            rows = await TalentRepository(conn).list_trainees(
                filters, after=list_cursor(TRAINEES_NEWEST, cursor), limit=limit + 1
            )
        return page(rows, limit, lambda t: keyset_cursor(TRAINEES_NEWEST, t.created_at, t.id))
