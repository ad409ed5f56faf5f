"""Suggestions: rank carriers and experts for a demand, record them (``MatchesSuggested``),
and keep the stored view of ``GET /demands/{id}/suggestions`` current.

The view is rendered when it changes, in the transaction that changes it, and stored
(``views``, ``suggestion_views``): the use cases that may change it are marked
``@renders_views`` and name the demands concerned with ``views_changed``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Concatenate, NamedTuple, ParamSpec, TypeVar

import sqlalchemy as sa

from services.matching import domain, views
from services.matching.domain import CandidateFacts, Decision, Rejection
from services.matching.repository import (
    READ_VIEW,
    MatchingRepository,
    suggestion_set_rows,
)
from services.matching.scoring import DemandDoc, Scored
from services.matching.usecases.index_sync import CARRIERS, EXPERTS, IndexState
from shared import metrics
from shared.events import matching as ev
from shared.outbox import UnitOfWork
from shared.problems import NotFound, Problem
from shared.visibility import Relation

log = logging.getLogger(__name__)


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


@dataclass(frozen=True)
class Ranking:
    carriers: list[Scored]
    experts: list[Scored]


class SuggestionsView(NamedTuple):
    """A demand's suggestions as ``GET /demands/{id}/suggestions`` shows them (JSON), in full,
    with what decides who may see what of them (``shared.visibility``)."""

    enterprise_id: uuid.UUID
    suggestion_set_id: uuid.UUID | None
    body: bytes
    status: str = "published"
    confidential: bool = False
    granted: bool = False  # the carrier asked about holds an access grant to the demand


# What the running use case (or the consumer's batch) changed and leaves to its end: the demands
# whose stored view to render again, once each, and the demands to rank again (with the trigger
# of the first change that asked), once each.
@dataclass
class _Deferred:
    views: set[uuid.UUID]
    rematch: dict[str, str] | None = None  # demand id -> trigger; None: rank at once
    # The rows of the suggestion sets recorded meanwhile, per table: written at the end, with one
    # statement per table for the whole batch.
    rows: dict[sa.Table, list[dict[str, Any]]] = field(default_factory=dict)
    # Of a rebuild's batch, written at once (``ReadModel.write_batched``): the demands it opened,
    # the statuses demands moved to, the contracts it recorded.
    opened: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[uuid.UUID, str] = field(default_factory=dict)
    contracts: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    # Of a live batch: the demands it opens, locked at its start, with the carriers of their
    # completed contracts (``ReadModel.opening``).
    contracted: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)


_DEFERRED: ContextVar[_Deferred | None] = ContextVar("matching_deferred", default=None)


def consumed_batch() -> _Deferred | None:
    """What the running batch of consumed events defers, if one runs."""
    deferred = _DEFERRED.get()
    return deferred if deferred is not None and deferred.rematch is not None else None


S = TypeVar("S", bound="Suggestions")
P = ParamSpec("P")
R = TypeVar("R")


def renders_views(
    use_case: Callable[Concatenate[S, UnitOfWork, P], Awaitable[R]],
) -> Callable[Concatenate[S, UnitOfWork, P], Awaitable[R]]:
    """At the end of the outermost such use case (or of the consumer's batch around it), in its
    transaction, render again the stored views of the demands it changed
    (``Suggestions.views_changed``)."""

    @functools.wraps(use_case)
    async def wrapper(self: S, uow: UnitOfWork, *args: P.args, **kwargs: P.kwargs) -> R:
        if _DEFERRED.get() is not None:  # an outer use case or batch renders them
            return await use_case(self, uow, *args, **kwargs)
        async with self.deferring(uow):
            return await use_case(self, uow, *args, **kwargs)

    return wrapper


class Suggestions(IndexState):
    # -- suggestions ---------------------------------------------------------------------------
    async def _rank(self, repo: MatchingRepository, demand: DemandDoc) -> Ranking:
        enterprise = demand.enterprise_id or ""
        conflicted = self._conflicted(enterprise)
        decisions = await repo.decisions_for(uuid.UUID(demand.demand_id)) if demand.demand_id in self.curated else []
        rejections = [
            Rejection(
                carrier_id=str(d.carrier_id),
                carrier_name=d.carrier_name or str(d.carrier_id),
                reason=domain.ReasonCode(d.reason_code or "other"),
                fields=tuple(d.carrier_fields or ()),
                matched_terms=tuple(d.matched_terms or ()),
                budget_fit=(d.components or {}).get("budget"),
            )
            for d in decisions
            if d.decision == Decision.REJECTED
        ]
        rejected = {r.carrier_id for r in rejections}
        k = self.top_k
        terms = self.demands.terms_of(demand.demand_id) if self.demands.get(demand.demand_id) == demand else None
        query = self.carriers.prepare(demand, terms)
        carriers = self.carriers.search(
            query,
            weights=self.weights,
            top_k=3 * k if rejections else k,
            exclude=conflicted | rejected,
            candidates=max(60, 6 * k) if rejections else None,
        )
        if rejections:
            together = await repo.carriers_working_with(uuid.UUID(enterprise)) if enterprise else set()
            facts = {
                s.carrier_id: CandidateFacts(self.carriers.fields_of(s.carrier_id), s.carrier_id in together)
                for s in carriers
            }
            carriers = domain.apply_curation(carriers, facts, rejections, self.curation, k)
        experts = (
            self.experts.search(
                self.experts.prepare(demand, terms),
                weights=self.settings.weights_for_experts,
                top_k=self.settings.expert_top_k,
                exclude_affiliated=conflicted,
            )
            if self.settings.expert_top_k
            else []
        )
        return Ranking(carriers, experts)

    @metrics.timed(metrics.MATCHING_SUGGESTION_DURATION, "trigger", "requested")
    @renders_views
    async def suggest(
        self,
        uow: UnitOfWork,
        demand_id: uuid.UUID,
        *,
        trigger: str = "requested",
        only_if_changed: bool = False,
    ) -> uuid.UUID | None:
        """Rank carriers and experts for a demand and record them (``MatchesSuggested``).
        With ``only_if_changed`` nothing is recorded when a project manager would see the same
        lists. Returns the new suggestion set, or None."""
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        demand = self.demands.get(str(demand_id)) or await repo.get_demand(demand_id)
        if demand is None:
            return None
        ranking = await self._rank(repo, demand)
        if only_if_changed:
            shown_c = self.demands.tops[CARRIERS].get(demand.demand_id)
            shown_e = self.demands.tops[EXPERTS].get(demand.demand_id)
            if shown_c is not None and shown_e is not None:
                # What this process last recorded (or loaded): compared in memory, no query.
                if not domain.suggestions_differ(shown_c.shown, ranking.carriers) and not domain.suggestions_differ(
                    shown_e.shown, ranking.experts
                ):
                    return None
                return await self._record(uow, demand_id, ranking, trigger)
            latest = await repo.latest_set(demand_id)
            if latest is not None:
                old_c = [
                    (str(r["carrier_id"]), r["at_capacity"]) for r in await repo.set_carriers(latest.suggestion_set_id)
                ]
                old_e = [
                    (str(r["person_id"]), r["at_capacity"]) for r in await repo.set_experts(latest.suggestion_set_id)
                ]
                if not domain.suggestions_differ(old_c, ranking.carriers) and not domain.suggestions_differ(
                    old_e, ranking.experts
                ):
                    self._remember_tops(demand.demand_id, ranking)
                    return None
        return await self._record(uow, demand_id, ranking, trigger)

    def _remember_tops(self, demand_id: str, ranking: Ranking) -> None:
        self.demands.set_top(CARRIERS, demand_id, ranking.carriers, self.top_k)
        self.demands.set_top(EXPERTS, demand_id, ranking.experts, self.settings.expert_top_k)

    async def _record(self, uow: UnitOfWork, demand_id: uuid.UUID, ranking: Ranking, trigger: str) -> uuid.UUID:
        set_id, now = uuid.uuid4(), datetime.now(UTC)
        self._own_sets.append(set_id)  # this process knows what it recorded: the catch-up skips it
        self.views_changed([demand_id])
        affiliation = {s.carrier_id: self.experts.affiliation_of.get(s.carrier_id) for s in ranking.experts}
        deferred = _DEFERRED.get()
        assert deferred is not None  # views_changed checked it
        for table, rows in suggestion_set_rows(
            set_id, demand_id, trigger, ranking.carriers, ranking.experts, affiliation, now
        ).items():
            deferred.rows.setdefault(table, []).extend(rows)
        self._remember_tops(str(demand_id), ranking)
        uow.emit(
            ev.MatchesSuggested(
                demand_id=demand_id,
                suggestion_set_id=set_id,
                suggested_at=now,
                trigger=trigger,
                carriers=[
                    ev.SuggestedCarrier(
                        carrier_id=uuid.UUID(s.carrier_id),
                        rank=i + 1,
                        score=s.score,
                        components=s.components,
                        matched_terms=s.matched_terms,
                        at_capacity=s.at_capacity,
                        notes=[a.note for a in s.adjustments],
                    )
                    for i, s in enumerate(ranking.carriers)
                ],
                experts=[
                    ev.SuggestedExpert(
                        person_id=uuid.UUID(s.carrier_id),
                        carrier_id=_uuid(affiliation.get(s.carrier_id)),
                        rank=i + 1,
                        score=s.score,
                        components=s.components,
                        matched_terms=s.matched_terms,
                        at_capacity=s.at_capacity,
                    )
                    for i, s in enumerate(ranking.experts)
                ],
            )
        )
        return set_id

    async def _rematch(
        self,
        uow: UnitOfWork,
        repo: MatchingRepository,
        demand_ids: Iterable[str] | dict[str, str],
        trigger: str | None,
    ) -> None:
        """Rank these demands again (``trigger``, or each its own from a dict); inside a batch
        of consumed events, at the batch's end (``deferring``)."""
        limit = self.settings.rematch_limit
        triggers = demand_ids if isinstance(demand_ids, dict) else dict.fromkeys(demand_ids, trigger or "")
        if len(triggers) > limit:
            log.warning("profile change affects %d open demands; re-suggesting for the first %d", len(triggers), limit)
        deferred = _DEFERRED.get()
        if deferred is not None and deferred.rematch is not None:
            for demand_id, why in list(triggers.items())[:limit]:
                deferred.rematch.setdefault(demand_id, why)
            return
        for demand_id, why in list(triggers.items())[:limit]:
            await asyncio.sleep(0)  # ranking is CPU: let requests in between demands
            await self.suggest(uow, uuid.UUID(demand_id), trigger=why, only_if_changed=True)

    async def request_suggestions(self, demand_id: uuid.UUID) -> SuggestionsView:
        async with self.uow() as uow:
            repo = MatchingRepository(uow.conn)
            row = await repo.demand_row(demand_id)
            if row is None:
                raise NotFound("demand (in matching's read model)", demand_id)
            if row.status not in domain.SUGGESTABLE:
                raise Problem(
                    409,
                    "demand-not-open",
                    f"a demand that is {row.status} gets no new suggestions",
                    current_state=row.status,
                    allowed_actions=[],
                )
            await self.suggest(uow, demand_id, trigger="requested")
        view = await self.suggestions_view(demand_id)
        assert view is not None
        return view

    async def demand_owner(self, demand_id: uuid.UUID) -> tuple[uuid.UUID | None, str] | None:
        """The demand's enterprise and state; None if the demand is not known here."""
        async with self.uow.read() as conn:
            row = await MatchingRepository(conn).demand_row(demand_id)
        return (row.enterprise_id, row.status) if row is not None else None

    async def carrier_inbox(
        self, carrier_id: uuid.UUID, *, rel: Relation, caller_carrier_id: uuid.UUID | None, limit: int
    ) -> list[dict[str, Any]]:
        """The open demands currently suggested to a carrier (its inbox), best first, as a caller
        in relation ``rel`` to them may see them: only demands it sees, and of a confidential one
        it may see only the teaser of, nothing derived from the hidden details."""
        async with self.uow.read() as conn:
            rows = await MatchingRepository(conn).carrier_inbox(
                carrier_id, rel=rel, caller_carrier_id=caller_carrier_id, limit=limit
            )
        return [views.inbox_item(r) for r in rows]

    # -- the stored views of suggestions ---------------------------------------------------------
    def views_changed(self, demand_ids: Iterable[uuid.UUID]) -> None:
        """The stored views of these demands show something that changed: the running use case
        (``renders_views``) renders them again before its transaction commits."""
        deferred = _DEFERRED.get()
        if deferred is None:
            raise RuntimeError("views change only inside a use case marked @renders_views")
        deferred.views.update(demand_ids)

    @asynccontextmanager
    async def deferring(self, uow: UnitOfWork, *, rematch: bool = False) -> AsyncIterator[None]:
        """The views changed inside are rendered at its end, in demand id order (so that two
        transactions never wait for each other's view locks in a cycle); with ``rematch`` (a
        batch of consumed events), the demands a profile change affects are ranked again at its
        end too, once each, against the profiles as the whole batch left them."""
        if _DEFERRED.get() is not None:
            yield
            return
        deferred = _Deferred(set(), {} if rematch else None)
        token = _DEFERRED.set(deferred)
        try:
            yield
            if deferred.rematch:
                repo = MatchingRepository(uow.conn)
                pending, deferred.rematch = deferred.rematch, None  # ranked now, not deferred again
                await self._rematch(uow, repo, pending, None)
            if deferred.rows:  # the suggestion sets, before the views that show them are rendered
                for table, rows in deferred.rows.items():
                    for row in rows:
                        uow.add(table, row)
                deferred.rows = {}
                await uow.flush()
            if deferred.views:
                await self.render_views(uow, deferred.views)
        finally:
            _DEFERRED.reset(token)

    async def render_views(self, uow: UnitOfWork, demand_ids: Iterable[uuid.UUID]) -> None:
        """Render and store the views of these demands, in the transaction of ``uow``: their view
        rows locked in demand id order (the previous renderings, if any, have committed), read,
        rendered and saved with a few statements for all of them."""
        repo = MatchingRepository(uow.conn)
        ids = sorted(set(demand_ids))
        await repo.lock_views(ids)
        rendered = await self._render(repo, ids)
        await repo.save_views(
            [(d, latest.suggestion_set_id if latest else None, body) for d, (latest, body) in rendered.items()],
            self._weights_key,
            datetime.now(UTC),
        )

    async def _render(
        self, repo: MatchingRepository, demand_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Any, str]]:
        """Of each demand, its latest suggestion set and the stored part of its view, from the tables."""
        latest = await repo.latest_sets_of(demand_ids)
        set_ids = [s.suggestion_set_id for s in latest.values()]
        carriers = await repo.sets_carriers(set_ids)
        experts = await repo.sets_experts(set_ids)
        shown = [d for d, s in latest.items() if carriers[s.suggestion_set_id] or experts[s.suggestion_set_id]]
        decisions = await repo.decisions_of(shown) if shown else {}
        conflicted = await repo.conflicted_carriers(shown) if shown else {}
        out: dict[uuid.UUID, tuple[Any, str]] = {}
        for demand_id in demand_ids:
            s = latest.get(demand_id)
            if s is None:
                out[demand_id] = (None, self._no_suggestions)
                continue
            await asyncio.sleep(0)  # rendering is CPU: let requests in between views
            decided = {str(d.carrier_id): d for d in decisions.get(demand_id, [])}
            body = views.render(
                s,
                carriers[s.suggestion_set_id],
                experts[s.suggestion_set_id],
                decided,
                conflicted.get(demand_id, set()),
                self.weights,
            )
            out[demand_id] = (s, body)
        return out

    async def suggestions_view(
        self, demand_id: uuid.UUID, carrier_id: uuid.UUID | None = None
    ) -> SuggestionsView | None:
        """The latest ranked carriers and experts of a demand, with their explanations and
        curation decisions, as stored (one statement), and whether ``carrier_id`` holds an access
        grant to the demand; None if the demand is not known here."""
        row = await self.reader.first(READ_VIEW, {"demand_id": demand_id, "carrier_id": carrier_id})
        if row is None:
            return None
        set_id, stored = row["suggestion_set_id"], row["body"]
        if stored is None:
            stored = self._no_suggestions
        elif row["weights"] != self._weights_key:  # written with other weights: explain with ours
            async with self.uow.read() as conn:
                latest, stored = (await self._render(MatchingRepository(conn), [demand_id]))[demand_id]
            set_id = latest.suggestion_set_id if latest else None
        enterprise_id = row["enterprise_id"]
        return SuggestionsView(
            enterprise_id,
            set_id,
            views.splice(demand_id, row["status"], enterprise_id, stored),
            row["status"],
            row["confidentiality"] == "confidential",
            bool(row["granted"]),
        )

    async def render_suggestions(self, demand_id: uuid.UUID) -> bytes | None:
        """The view rendered afresh from the tables, nothing stored (what the stored one must equal)."""
        async with self.uow.read() as conn:
            repo = MatchingRepository(conn)
            row = await repo.demand_row(demand_id)
            if row is None:
                return None
            _, stored = (await self._render(repo, [demand_id]))[demand_id]
        return views.splice(demand_id, row.status, row.enterprise_id, stored)

    async def refresh_views(self, *, chunk: int = 200) -> int:
        """Render the stored view of every demand with suggestions again (after a rebuild of the
        read model, whose names they show); a transaction per ``chunk`` demands."""
        async with self.uow.read() as conn:
            ids = await MatchingRepository(conn).suggested_demand_ids()
        for start in range(0, len(ids), chunk):
            async with self.uow() as uow:
                await self.render_views(uow, ids[start : start + chunk])
        return len(ids)
