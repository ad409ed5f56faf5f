"""The history import of the talent service: the institute's jointly trained graduate students and
postdocs, enrolled, placed and graduated (or withdrawn) when they were.

Rows (CSV or JSON Lines, shared.bulk; the mechanics are shared.history's), ``type`` ``trainee``:
``source_id``, ``name``, ``programme`` (``graduate_student``, the default, or ``postdoc``),
``university``, ``carrier`` (the host carrier's name or id, with ``carrier_kind`` when two share
a name), ``starts_on``, ``ends_on``, ``enrolled_at`` (default: ``starts_on``), and optionally
``placed_at``, ``graduated_at``, ``withdrawn_at`` (with ``withdrawn_reason``), ``fields``,
``email``. Each becomes the person (registered in the programme's role, affiliated with the
university and the host) and the trainee's enrolment, then each later step, through
TalentService's use cases in units of work dated when they happened: TraineeEnrolled,
TraineePlacementStarted, TraineeGraduated and TraineeWithdrawn carry those times.
"""

from __future__ import annotations

import uuid
from typing import Any

from services.talent.domain import TraineeAction
from services.talent.imports import CarrierIndex, RowRejected
from services.talent.repository import TalentRepository
from services.talent.schemas import PersonCreate, TraineeCreate
from services.talent.service import TalentService
from services.talent.tables import imported_records
from shared.auth import Actor, Role
from shared.bulk import SourceRow, split_list
from shared.history import HistoryImporter, Rejected, Step, validate, when
from shared.outbox import UnitOfWork, UnitOfWorkFactory

IMPORTER = Actor(subject="system:history-import", roles=frozenset({Role.OPERATOR}))
MOVES = {  # a later step of a training: (column, rank at the same moment, action)
    "placed": ("placed_at", 1, TraineeAction.START_PLACEMENT),
    "graduated": ("graduated_at", 2, TraineeAction.GRADUATE),
    "withdrawn": ("withdrawn_at", 2, TraineeAction.WITHDRAW),
}


class TalentHistoryImporter(HistoryImporter):
    TYPES = ("trainee",)

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        super().__init__(uow, imported_records)
        self.service = TalentService(uow)
        self._carriers: CarrierIndex | None = None

    def steps(self, kind: str, row: SourceRow) -> list[Step]:
        v = row.values
        sid = v["source_id"]
        enrolled = when(v.get("enrolled_at") or v.get("starts_on"), "enrolled_at")
        steps = [Step(enrolled, 0, row.line, "trainees", row, f"trainee:{sid}")]
        for name, (column, rank, _) in MOVES.items():
            if v.get(column):
                at = when(v[column], column)
                if at < enrolled:
                    raise Rejected(f"{column} is before the enrolment", [{"field": column, "message": "early"}])
                steps.append(Step(at, rank, row.line, name, row, f"trainee:{sid}#{name}"))
        return steps

    async def apply(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        v = step.row.values
        if step.kind != "trainees":
            trainee_id = self.ref(known, "trainee", v["source_id"], "source_id")
            _, _, action = MOVES[step.kind]
            reason = str(v.get("withdrawn_reason") or "withdrawn") if action is TraineeAction.WITHDRAW else None
            await self.service.move_trainee(uow, trainee_id, action, actor=IMPORTER, reason=reason)
            return trainee_id
        carrier_id = await self._carrier(uow, v)
        programme = str(v.get("programme") or "graduate_student")
        person: dict[str, Any] = {
            "name": v.get("name"),
            "roles": [programme],
            "carrier_id": carrier_id,
            "university": v.get("university"),
            "fields": split_list(v.get("fields") or []),
            "capacity": 0,  # a trainee takes no assignments of its own
        }
        if v.get("email"):
            person["contact"] = {"email": v["email"]}
        registered = await self.service.register_person(uow, validate(PersonCreate, person, step.at), IMPORTER)
        training = {
            "person_id": registered["id"],
            "programme": programme,
            "university": v.get("university"),
            "carrier_id": carrier_id,
            "starts_on": v.get("starts_on"),
            "ends_on": v.get("ends_on"),
        }
        trainee = await self.service.enrol_trainee(uow, validate(TraineeCreate, training, step.at))
        return trainee.id

    async def _carrier(self, uow: UnitOfWork, v: dict[str, Any]) -> uuid.UUID:
        if self._carriers is None:
            self._carriers = CarrierIndex(await TalentRepository(uow.conn).carrier_refs())
        try:
            return self._carriers.resolve(str(v.get("carrier") or ""), v.get("carrier_kind") or None)
        except RowRejected as exc:
            raise Rejected(exc.reason, exc.errors) from exc
