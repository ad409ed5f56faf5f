"""Batch assignment: a joint, capacity-aware assignment of a batch of open demands
(``AssignmentProposed``), in three steps: gather the candidates, solve, present.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.matching import assignment as asg
from services.matching import domain
from services.matching.repository import (
    OPEN_STATUSES,
    MatchingRepository,
    demand_doc,
)
from services.matching.scoring import Scored
from services.matching.usecases.index_sync import IndexState
from shared.events import matching as ev
from shared.outbox import UnitOfWork
from shared.problems import NotFound


@dataclass
class Gathered:
    """What a batch assignment starts from: the demands, their candidates and why some have none."""

    problem: asg.AssignmentProblem
    details: dict[tuple[str, str], Scored] = field(default_factory=dict)  # (demand, carrier) -> its ranking
    titles: dict[str, str] = field(default_factory=dict)


class Assignment(IndexState):
    async def assign(
        self,
        uow: UnitOfWork,
        *,
        demand_ids: Sequence[uuid.UUID] | None,
        published_since: datetime | None,
        k: int,
        floor: float,
        requested_by: str,
        max_demands: int,
    ) -> dict[str, Any]:
        """A joint, capacity-aware assignment of a batch of open demands (``AssignmentProposed``)."""
        repo = MatchingRepository(uow.conn)
        await self.sync(repo, force=True)
        ids = list(dict.fromkeys(demand_ids or []))
        if published_since is not None:
            ids += [d for d in await repo.published_since(published_since, max_demands) if d not in ids]
        gathered = await self._gather(repo, ids[:max_demands], k=k, floor=floor)
        result = asg.solve(gathered.problem)
        names = await repo.carrier_names({uuid.UUID(a.carrier_id) for o in result.outcomes for a in o.assigned})
        batch_id, now = uuid.uuid4(), datetime.now(UTC)
        proposals, unserved, view = self._present(gathered, result, names)
        body = {
            "batch_id": batch_id,
            "k": k,
            "floor": floor,
            "total_score": result.total_score,
            "optimal": result.optimal,
            "demands": view,
            "unserved": [{"demand_id": str(u.demand_id), "reason": u.reason} for u in unserved],
            "requested_by": requested_by,
            "proposed_at": now,
        }
        await repo.add_batch(
            {
                "batch_id": batch_id,
                "requested_by": requested_by,
                "k": k,
                "floor": floor,
                "total_score": result.total_score,
                "result": _jsonable(body),
                "created_at": now,
            }
        )
        uow.emit(
            ev.AssignmentProposed(
                batch_id=batch_id,
                proposals=proposals,
                unserved=unserved,
                total_score=result.total_score,
                proposed_at=now,
                k=k,
                floor=floor,
                requested_by=requested_by,
            )
        )
        return body

    async def _gather(self, repo: MatchingRepository, ids: list[uuid.UUID], *, k: int, floor: float) -> Gathered:
        """Each open demand's best carriers (conflicts and decided carriers excluded) and every
        carrier's free capacity: the assignment problem."""
        known_reasons: dict[str, str] = {}
        candidates: list[asg.Candidate] = []
        excluded: dict[str, int] = {}
        best_below: dict[str, float] = {}
        details: dict[tuple[str, str], Scored] = {}
        titles: dict[str, str] = {}
        width = max(self.settings.assignment_candidates, 2 * k)
        for demand_id in ids:
            did = str(demand_id)
            row = await repo.demand_row(demand_id)
            if row is None:
                known_reasons[did] = "the demand is not in matching's read model"
                continue
            titles[did] = row.title
            if row.status not in OPEN_STATUSES:
                known_reasons[did] = f"the demand is {row.status}, not open"
                continue
            demand = demand_doc(row)
            taken = {str(d.carrier_id) for d in await repo.decisions_for(demand_id)}  # rejected, or accepted
            conflicted = self._conflicted(demand.enterprise_id or "")
            excluded[did] = len(conflicted | taken)
            ranked = self.carriers.search(
                demand, weights=self.weights, top_k=width, exclude=conflicted | taken, candidates=width + 20
            )
            for s in ranked:
                details[(did, s.carrier_id)] = s
                if s.score >= floor:
                    candidates.append(asg.Candidate(did, s.carrier_id, s.score))
            if ranked and ranked[0].score < floor:
                best_below[did] = ranked[0].score
        free = {
            cid: max(0, int(self.carriers.cap[slot]) - int(self.carriers.load[slot]))
            for cid, slot in self.carriers.slot_of.items()
        }
        problem = asg.AssignmentProblem(
            demand_ids=[str(d) for d in ids],
            candidates=candidates,
            free_capacity=free,
            k=k,
            floor=floor,
            known_reasons=known_reasons,
            excluded=excluded,
            best_below_floor=best_below,
        )
        return Gathered(problem, details, titles)

    def _present(
        self, gathered: Gathered, result: asg.AssignmentResult, names: dict[uuid.UUID, str]
    ) -> tuple[list[ev.ProposedDemand], list[ev.UnservedDemand], list[dict[str, Any]]]:
        """The solution explained: per demand, the carriers assigned and why, those passed over and why."""
        proposals, unserved, view = [], [], []
        for o in result.outcomes:
            assigned_view = []
            notes = []
            for a in o.assigned:
                s = gathered.details[(o.demand_id, a.carrier_id)]
                why = f"its #{a.rank_for_demand} candidate for this demand; " + "; ".join(
                    domain.explain(s, self.weights)
                )
                notes.append(why)
                assigned_view.append(
                    {
                        "carrier_id": a.carrier_id,
                        "name": names.get(uuid.UUID(a.carrier_id)),
                        "score": a.score,
                        "rank_for_demand": a.rank_for_demand,
                        "components": s.components,
                        "matched_terms": s.matched_terms,
                        "why": why,
                    }
                )
            passed = [
                {
                    "carrier_id": p.carrier_id,
                    "score": p.score,
                    "why": "its capacity went to demands " + ", ".join(p.went_to)
                    if p.went_to
                    else "not chosen: a better total without it",
                }
                for p in o.passed_over
            ]
            notes.extend(f"{p['carrier_id']} (score {p['score']:.2f}) passed over: {p['why']}" for p in passed)
            if o.assigned:
                proposals.append(
                    ev.ProposedDemand(
                        demand_id=uuid.UUID(o.demand_id),
                        carrier_ids=[uuid.UUID(a.carrier_id) for a in o.assigned],
                        scores=[a.score for a in o.assigned],
                        notes=notes,
                    )
                )
            else:
                unserved.append(ev.UnservedDemand(demand_id=uuid.UUID(o.demand_id), reason=o.reason or "no carrier"))
            view.append(
                {
                    "demand_id": o.demand_id,
                    "title": gathered.titles.get(o.demand_id),
                    "served": bool(o.assigned),
                    "carriers": assigned_view,
                    "passed_over": passed,
                    "reason": o.reason,
                }
            )
        return proposals, unserved, view

    async def get_batch(self, batch_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.read() as conn:
            row = await MatchingRepository(conn).get_batch(batch_id)
        if row is None:
            raise NotFound("assignment batch", batch_id)
        return dict(row.result)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
