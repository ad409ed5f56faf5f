"""The history import of the matching service: the institute's past matches of demands with carriers.

Rows (CSV or JSON Lines, shared.bulk; the mechanics are shared.history's), ``type`` ``match``:
``source_id``, ``demand`` (the demand's source id in the same file), ``carrier`` (the carrier's
id), ``matched_at``, and optionally ``accepted_by``, ``project_manager_id`` and ``reason`` (why it
was matched outside the suggestions). Each goes through the offline-match use case
(``Curation.record_match``) in a unit of work dated when it happened, so ``MatchAccepted`` carries
that time and what follows from it (the demand matched, the contract drafted) is dated then too.

Matching knows demands and carriers from their services' events: the import first waits (bounded,
with progress) until the demands and carriers its rows name are in matching's read model, open
for a match; a row whose demand never arrives is rejected with its line.
"""

from __future__ import annotations

import uuid
from typing import Any

from services.matching.domain import DemandState
from services.matching.service import MatchingService
from services.matching.tables import carrier_profiles, demand_profiles, imported_records
from shared.bulk import SourceRow
from shared.history import HistoryImporter, Rejected, Step, present, when
from shared.outbox import UnitOfWork

IMPORTER = "system:history-import"


class MatchingHistoryImporter(HistoryImporter):
    TYPES = ("match",)

    def __init__(self, service: MatchingService) -> None:
        super().__init__(service.uow, imported_records)
        self.service = service

    def steps(self, kind: str, row: SourceRow) -> list[Step]:
        v = row.values
        self._ids(v)  # a malformed id is the row's error before anything goes in
        return [Step(when(v.get("matched_at"), "matched_at"), 0, row.line, "matches", row, f"match:{v['source_id']}")]

    async def prepare(self, steps: list[Step], known: dict[str, uuid.UUID], deadline: float) -> None:
        demands: set[uuid.UUID] = set()
        carriers: set[uuid.UUID] = set()
        for step in steps:
            if step.key in known or f"demand:{step.row.values.get('demand')}" not in known:
                continue
            demands.add(known[f"demand:{step.row.values.get('demand')}"])
            carriers.add(self._ids(step.row.values)[0])

        async def missing() -> int:
            async with self.uow.read() as conn:
                d, c = demand_profiles.c, carrier_profiles.c
                demands.difference_update(await present(conn, d.demand_id, demands, d.status != DemandState.SUBMITTED))
                carriers.difference_update(await present(conn, c.carrier_id, carriers))
            return len(demands) + len(carriers)

        await self.wait_until(missing, deadline)

    async def apply(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        v = step.row.values
        carrier_id, project_manager_id = self._ids(v)
        demand_id = self.ref(known, "demand", v.get("demand"), "demand")
        decision = await self.service.record_match(
            uow,
            demand_id=demand_id,
            carrier_id=carrier_id,
            decided_by=str(v.get("accepted_by") or IMPORTER)[:200],
            project_manager_id=project_manager_id,
            reason_note=str(v["reason"]) if v.get("reason") else None,
        )
        match_id: uuid.UUID = decision["match_id"]
        return match_id

    @staticmethod
    def _ids(v: dict[str, Any]) -> tuple[uuid.UUID, uuid.UUID | None]:
        out: list[uuid.UUID | None] = []
        for column, required in (("carrier", True), ("project_manager_id", False)):
            value = v.get(column)
            if not value:
                if required:
                    raise Rejected(f"{column} is required", [{"field": column, "message": "required"}])
                out.append(None)
                continue
            try:
                out.append(uuid.UUID(str(value)))
            except ValueError:
                raise Rejected(f"{column} is not an id", [{"field": column, "message": "not a UUID"}]) from None
        carrier_id, pm = out
        assert carrier_id is not None
        return carrier_id, pm
