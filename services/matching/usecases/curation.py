"""Curation: a project manager accepts or rejects suggested carriers (a rejection re-suggests
at once), and configures conflicts of interest (which exclude a carrier from an enterprise's demands).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from services.matching import domain, teams
from services.matching.domain import Decision, IllegalDecision, ReasonCode
from services.matching.repository import (
    OPEN_STATUSES,
    MatchingRepository,
)
from services.matching.usecases.suggestions import Suggestions, renders_views
from shared import visibility
from shared.events import matching as ev
from shared.outbox import UnitOfWork
from shared.pagination import decode_cursor, encode_cursor, page
from shared.problems import Conflict, NotFound, Problem, illegal_transition
from shared.visibility import Relation, Sight


def decision_problem(exc: IllegalDecision) -> Problem:
    return illegal_transition(
        str(exc),
        exc.current_state,
        exc.allowed_actions,
        title="This decision is not allowed in the current state",
        subject=exc.what,
    )


class Curation(Suggestions):
    # -- curation ------------------------------------------------------------------------------
    @renders_views
    async def decide(
        self,
        uow: UnitOfWork,
        *,
        demand_id: uuid.UUID,
        carrier_id: uuid.UUID,
        action: str,
        decided_by: str,
        project_manager_id: uuid.UUID | None,
        reason_code: str | None,
        reason_note: str | None,
    ) -> dict[str, Any]:
        """Accept or reject a suggested carrier (``MatchAccepted`` / ``MatchRejected``). A
        rejection re-suggests at once, lowering similar carriers and saying so."""
        return await self._decide(
            uow,
            demand_id=demand_id,
            carrier_id=carrier_id,
            action=action,
            decided_by=decided_by,
            project_manager_id=project_manager_id,
            reason_code=reason_code,
            reason_note=reason_note,
        )

    @renders_views
    async def record_match(
        self,
        uow: UnitOfWork,
        *,
        demand_id: uuid.UUID,
        carrier_id: uuid.UUID | None,
        decided_by: str,
        project_manager_id: uuid.UUID | None,
        reason_note: str | None,
        team: ev.MatchTeam | None = None,
    ) -> dict[str, Any]:
        """A match made outside the suggestions (offline, or in the past: the history import),
        with why; dated ``uow.now()``, the same ``MatchAccepted`` as an accepted suggestion. To a
        carrier, or to a ``team`` of people (``services.matching.teams``): then the carrier that
        contracts is ``carrier_id``, by default the lead's employer."""
        if team is not None:
            carrier_id = await self._team_carrier(MatchingRepository(uow.conn), team, carrier_id)
        assert carrier_id is not None, "a carrier or a team"
        return await self._decide(
            uow,
            demand_id=demand_id,
            carrier_id=carrier_id,
            action="accept",
            decided_by=decided_by,
            project_manager_id=project_manager_id,
            reason_code=ReasonCode.OTHER.value if reason_note else None,
            reason_note=reason_note,
            offline=True,
            team=team,
        )

    @staticmethod
    async def _team_carrier(repo: MatchingRepository, team: ev.MatchTeam, carrier_id: uuid.UUID | None) -> uuid.UUID:
        members = []
        for member in team.members:
            row = await repo.person_row(member.person_id)
            if row is None:
                raise NotFound("person (in matching's read model)", member.person_id)
            members.append(
                teams.Member(
                    person_id=str(row.person_id),
                    active=row.status == "active",
                    capacity=row.capacity,
                    active_load=row.active_load,
                    carrier_id=str(row.carrier_id) if row.carrier_id else None,
                )
            )
        try:
            chosen = teams.contracting_carrier(
                members, str(team.lead_person_id), str(carrier_id) if carrier_id else None
            )
        except ValueError as exc:
            raise Problem(422, "not-decidable", str(exc), errors=[{"field": "team", "message": str(exc)}]) from exc
        return uuid.UUID(chosen)

    async def _decide(
        self,
        uow: UnitOfWork,
        *,
        demand_id: uuid.UUID,
        carrier_id: uuid.UUID,
        action: str,
        decided_by: str,
        project_manager_id: uuid.UUID | None,
        reason_code: str | None,
        reason_note: str | None,
        offline: bool = False,
        team: ev.MatchTeam | None = None,
    ) -> dict[str, Any]:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        row = await repo.demand_row(demand_id)
        if row is None:
            raise NotFound("demand (in matching's read model)", demand_id)
        carrier = await repo.carrier_row(carrier_id)
        if offline and carrier is None:
            raise NotFound("carrier (in matching's read model)", carrier_id)
        existing = await repo.decision_of(demand_id, carrier_id)
        suggestion = None if offline else await repo.last_suggestion_of(demand_id, carrier_id)
        in_conflict = str(carrier_id) in self._conflicted(str(row.enterprise_id))
        try:
            domain.check_decision(
                demand_state=row.status,
                current=Decision(existing.decision) if existing else Decision.SUGGESTED,
                action=action,
                was_suggested=suggestion is not None,
                in_conflict=in_conflict,
                offline=offline,
            )
        except IllegalDecision as exc:
            raise decision_problem(exc) from exc
        except ValueError as exc:
            raise Problem(
                422, "not-decidable", str(exc), errors=[{"field": "carrier_id", "message": str(exc)}]
            ) from exc
        now = uow.now()
        match_id = uuid.uuid4()
        decision = Decision.ACCEPTED if action == "accept" else Decision.REJECTED
        assert suggestion is not None or offline
        values = {
            "match_id": match_id,
            "demand_id": demand_id,
            "carrier_id": carrier_id,
            "decision": decision.value,
            "reason_code": reason_code,
            "reason_note": reason_note,
            "decided_by": decided_by,
            "decided_at": now,
            "suggestion_set_id": suggestion.suggestion_set_id if suggestion else None,
            "score": suggestion.score if suggestion else None,
            "carrier_name": carrier.name if carrier else None,
            "carrier_fields": list(carrier.fields) if carrier else [],
            "matched_terms": list(suggestion.matched_terms) if suggestion else [],
            "components": dict(suggestion.components) if suggestion else {},
            "team": team.model_dump(mode="json") if team else None,
        }
        try:
            await repo.add_decision(values)
        except IntegrityError as exc:  # a concurrent decision on the same pair won
            raise Conflict("this suggestion was decided meanwhile", slug="illegal-transition") from exc
        self.curated.add(str(demand_id))
        self.views_changed([demand_id])
        if decision is Decision.ACCEPTED:
            uow.emit(
                ev.MatchAccepted(
                    match_id=match_id,
                    demand_id=demand_id,
                    carrier_id=carrier_id,
                    enterprise_id=row.enterprise_id,
                    project_manager_id=project_manager_id,
                    accepted_by=decided_by,
                    demand_title=row.title,
                    demand_type=row.demand_type,
                    budget=row.budget,
                    center_id=row.center_id,
                    score=suggestion.score if suggestion else None,
                    accepted_at=now,
                    suggestion_set_id=suggestion.suggestion_set_id if suggestion else None,
                    team=team,
                )
            )
            new_set = None
        else:
            assert suggestion is not None
            uow.emit(
                ev.MatchRejected(
                    match_id=match_id,
                    demand_id=demand_id,
                    carrier_id=carrier_id,
                    reason=ev.MatchReason(code=reason_code or "other", note=reason_note),
                    rejected_by=decided_by,
                    rejected_at=now,
                    suggestion_set_id=suggestion.suggestion_set_id,
                )
            )
            new_set = await self.suggest(uow, demand_id, trigger="rejection") if row.status in OPEN_STATUSES else None
        return {**self._decision_view(values), "resuggested_set_id": new_set}

    @staticmethod
    def _decision_view(r: Any) -> dict[str, Any]:
        get = r.get if isinstance(r, dict) else lambda k: getattr(r, k)
        return {
            "match_id": get("match_id"),
            "demand_id": get("demand_id"),
            "carrier_id": get("carrier_id"),
            "carrier_name": get("carrier_name"),
            "decision": get("decision"),
            "origin": "offline" if get("suggestion_set_id") is None else "suggestion",
            "reason": {"code": get("reason_code"), "note": get("reason_note")} if get("reason_code") else None,
            "decided_by": get("decided_by"),
            "decided_at": get("decided_at"),
            "suggestion_set_id": get("suggestion_set_id"),
            "score": get("score"),
            "team": get("team"),
        }

    async def get_decision(
        self, match_id: uuid.UUID, caller_carrier_id: uuid.UUID | None = None
    ) -> tuple[dict[str, Any], Any]:
        """A curation decision, and its demand's enterprise, status and confidentiality and whether
        ``caller_carrier_id`` holds an access grant to it (None if matching does not know it)."""
        async with self.uow.read() as conn:
            repo = MatchingRepository(conn)
            r = await repo.get_decision(match_id)
            if r is None:
                raise NotFound("match", match_id)
            demand = await repo.demand_access(r.demand_id, caller_carrier_id)
        return self._decision_view(r), demand

    async def list_decisions(
        self,
        *,
        demand_id: uuid.UUID | None,
        carrier_id: uuid.UUID | None,
        decision: str | None,
        cursor: str | None,
        limit: int,
        rel: Relation = Relation.STAFF,
        caller_carrier_id: uuid.UUID | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Decisions about the demands a caller in relation ``rel`` to them sees, as it may see
        them (of a confidential demand it sees only the teaser of: no score)."""
        after = None
        if cursor:
            at, ident = decode_cursor(cursor)
            after = (datetime.fromisoformat(at), uuid.UUID(ident))
        async with self.uow.read() as conn:
            rows = await MatchingRepository(conn).list_decisions(
                demand_id=demand_id,
                carrier_id=carrier_id,
                decision=decision,
                after=after,
                limit=limit + 1,
                rel=rel,
                caller_carrier_id=caller_carrier_id,
            )
        rows, nxt = page(rows, limit, lambda r: encode_cursor([r.decided_at.isoformat(), str(r.match_id)]))
        return [
            self._decision_view(r) if r.full else visibility.as_seen(self._decision_view(r), Sight.TEASER) for r in rows
        ], nxt

    @staticmethod
    def _conflict_view(r: Any) -> dict[str, Any]:
        return {
            "id": r.conflict_id,
            "enterprise_id": r.enterprise_id,
            "carrier_id": r.carrier_id,
            "reason": r.reason,
            "created_by": r.created_by,
            "created_at": r.created_at,
        }

    @renders_views
    async def add_conflict(
        self, uow: UnitOfWork, *, enterprise_id: uuid.UUID, carrier_id: uuid.UUID, reason: str, created_by: str
    ) -> dict[str, Any]:
        """Exclude a carrier from an enterprise's demands; open demands that showed it are
        re-suggested at once."""
        repo = MatchingRepository(uow.conn)
        existing = await repo.conflict_between(enterprise_id, carrier_id)
        if existing is not None:
            raise Conflict(
                "this conflict of interest is already configured",
                slug="duplicate-conflict-of-interest",
                existing_id=str(existing.conflict_id),
            )
        values = {
            "conflict_id": uuid.uuid4(),
            "enterprise_id": enterprise_id,
            "carrier_id": carrier_id,
            "reason": reason,
            "created_by": created_by,
            "created_at": datetime.now(UTC),
        }
        with self._conflict_changed(uow, str(enterprise_id), str(carrier_id), present=True):
            try:
                await repo.add_conflict(values)
            except IntegrityError as exc:
                raise Conflict(
                    "this conflict of interest is already configured", slug="duplicate-conflict-of-interest"
                ) from exc
            for demand_id in await repo.open_demands_of(enterprise_id):
                await self.suggest(uow, demand_id, trigger="conflict_of_interest", only_if_changed=True)
        self.views_changed(await repo.viewed_demands_of(enterprise_id))  # closed ones hide it too
        return {
            "id": values["conflict_id"],
            **{k: values[k] for k in ("enterprise_id", "carrier_id", "reason", "created_by", "created_at")},
        }

    async def get_conflict(self, conflict_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.read() as conn:
            row = await MatchingRepository(conn).get_conflict(conflict_id)
        if row is None:
            raise NotFound("conflict of interest", conflict_id)
        return self._conflict_view(row)

    @renders_views
    async def remove_conflict(self, uow: UnitOfWork, conflict_id: uuid.UUID) -> None:
        repo = MatchingRepository(uow.conn)
        row = await repo.get_conflict(conflict_id)
        if row is None:
            raise NotFound("conflict of interest", conflict_id)
        with self._conflict_changed(uow, str(row.enterprise_id), str(row.carrier_id), present=False):
            if not await repo.remove_conflict(conflict_id):
                raise NotFound("conflict of interest", conflict_id)
            for demand_id in await repo.open_demands_of(row.enterprise_id):
                await self.suggest(uow, demand_id, trigger="conflict_of_interest", only_if_changed=True)
        self.views_changed(await repo.viewed_demands_of(row.enterprise_id))  # closed ones show it again

    async def list_conflicts(
        self, *, enterprise_id: uuid.UUID | None, carrier_id: uuid.UUID | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = None
        if cursor:
            at, ident = decode_cursor(cursor)
            after = (datetime.fromisoformat(at), uuid.UUID(ident))
        async with self.uow.read() as conn:
            rows = await MatchingRepository(conn).list_conflicts(
                enterprise_id=enterprise_id, carrier_id=carrier_id, after=after, limit=limit + 1
            )
        rows, nxt = page(rows, limit, lambda r: encode_cursor([r.created_at.isoformat(), str(r.conflict_id)]))
        return [self._conflict_view(r) for r in rows], nxt
