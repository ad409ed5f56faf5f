"""Matching use cases: keep the read model and the in-memory index current, suggest, curate,
assign. Each use case is one unit of work; events go to the outbox in the same transaction.

The in-memory state (two ``ProfileIndex`` and the ``OpenDemands``, the conflict pairs) is a
cache of the read model: built at start (``load``), changed by every event this process
handles, and caught up every ``index_sync_interval_s`` with the rows other replicas wrote
(``sync``). A rebuild of the read model bumps its generation and every process reloads.

What ``GET /demands/{id}/suggestions`` shows is rendered when it changes, in the transaction that
changes it, and stored (``views``, ``suggestion_views``): the use cases that may change it are
marked ``@renders_views`` and name the demands concerned with ``views_changed``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Concatenate, NamedTuple, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

from services.matching import assignment as asg
from services.matching import domain, views
from services.matching.domain import CandidateFacts, CurationSettings, Decision, IllegalDecision, Rejection
from services.matching.index import OpenDemands, ProfileIndex
from services.matching.repository import (
    OPEN_STATUSES,
    READ_VIEW,
    MatchingRepository,
    carrier_doc,
    demand_doc,
    person_doc,
)
from services.matching.scoring import CarrierDoc, DemandDoc, Scored
from services.matching.settings import MatchingSettings
from shared import metrics, visibility
from shared.events import contracts as contract_ev
from shared.events import demand as demand_ev
from shared.events import matching as ev
from shared.events import talent as talent_ev
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pagination import decode_cursor, encode_cursor, page
from shared.pgread import Reader
from shared.problems import Conflict, NotFound, Problem
from shared.visibility import Relation, Sight

log = logging.getLogger(__name__)

CARRIERS, EXPERTS = "carriers", "experts"


def decision_problem(exc: IllegalDecision) -> Problem:
    return Problem(
        409,
        "illegal-transition",
        str(exc),
        title="This decision is not allowed in the current state",
        current_state=exc.current_state,
        allowed_actions=exc.allowed_actions,
        subject=exc.what,
    )


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


# A conflict of interest being added or removed by the running transaction: (enterprise, carrier, present).
_CONFLICT_CHANGE: ContextVar[tuple[str, str, bool] | None] = ContextVar("matching_conflict_change", default=None)


# What the running use case (or the consumer's batch) changed and leaves to its end: the demands
# whose stored view to render again, once each, and the demands to rank again (with the trigger
# of the first change that asked), once each.
@dataclass
class _Deferred:
    views: set[uuid.UUID]
    rematch: dict[str, str] | None = None  # demand id -> trigger; None: rank at once


_DEFERRED: ContextVar[_Deferred | None] = ContextVar("matching_deferred", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def renders_views(
    use_case: Callable[Concatenate[MatchingService, UnitOfWork, P], Awaitable[R]],
) -> Callable[Concatenate[MatchingService, UnitOfWork, P], Awaitable[R]]:
    """At the end of the outermost such use case (or of the consumer's batch around it), in its
    transaction, render again the stored views of the demands it changed
    (``MatchingService.views_changed``)."""

    @functools.wraps(use_case)
    async def wrapper(self: MatchingService, uow: UnitOfWork, *args: P.args, **kwargs: P.kwargs) -> R:
        if _DEFERRED.get() is not None:  # an outer use case or batch renders them
            return await use_case(self, uow, *args, **kwargs)
        async with self.deferring(uow):
            return await use_case(self, uow, *args, **kwargs)

    return wrapper


class MatchingService:
    def __init__(
        self, uow: UnitOfWorkFactory, settings: MatchingSettings | None = None, *, replaying: bool = False
    ) -> None:
        self.uow = uow
        self.reader = Reader(uow)
        self.settings = settings or MatchingSettings()
        # A rebuild replays the topics into the read model only: no index, no suggestions, no events.
        self.replaying = replaying
        self.carriers = ProfileIndex()
        self.experts = ProfileIndex(experts=True, codes=self.carriers.codes)
        self.demands = OpenDemands()
        self.conflicts: dict[str, set[str]] = {}  # enterprise id -> carrier ids
        self.curated: set[str] = set()  # demands with curation decisions (the others need no lookup)
        self.curation = CurationSettings(
            field_strength=self.settings.rejection_field_strength,
            capacity_factor=self.settings.rejection_capacity_factor,
            budget_factor=self.settings.rejection_budget_factor,
            together_factor=self.settings.rejection_together_factor,
        )
        self.generation = -1
        self._synced_monotonic = 0.0
        self._sync_mark: datetime | None = None
        # Suggestion sets this process recorded lately (the catch-up reloads only other replicas').
        self._own_sets: deque[uuid.UUID] = deque(maxlen=20_000)
        # The stored views this process serves as they are: those written with these weights.
        self._weights_key = views.weights_key(self.weights)
        self._no_suggestions = views.render(None, [], [], {}, (), self.weights)

    @property
    def weights(self) -> dict[str, float]:
        return self.settings.weights

    @property
    def top_k(self) -> int:
        return self.settings.top_k

    # -- the in-memory index ------------------------------------------------------------------
    async def start(self) -> None:
        """Build the index from the read model (``ServiceDefinition.on_start``)."""
        async with self.uow.read() as conn:
            await self.load(MatchingRepository(conn))

    async def load(self, repo: MatchingRepository) -> None:
        started = time.perf_counter()
        now = datetime.now(UTC)
        self.carriers = ProfileIndex()
        self.experts = ProfileIndex(experts=True, codes=self.carriers.codes)
        self.demands = OpenDemands()
        self.generation = await repo.generation()
        carrier_docs: dict[str, CarrierDoc] = {}
        for r in await repo.carriers():
            doc = carrier_doc(r)
            carrier_docs[doc.carrier_id] = doc
            if r.status == "active":
                self.carriers.upsert(doc, version=r.written_at)
        for r in await repo.people():
            if r.status == "active":
                self.experts.upsert(person_doc(r, carrier_docs.get(str(r.carrier_id))), version=r.written_at)
        self.carriers.refresh_norms()
        self.experts.refresh_norms()
        open_rows = await repo.demands(statuses=OPEN_STATUSES)
        for r in open_rows:
            self.demands.upsert(demand_doc(r))
        await self._load_tops(repo, [r.demand_id for r in open_rows])
        await self._load_conflicts(repo)
        self.curated = await repo.decided_demand_ids()
        self._sync_mark = now
        self._synced_monotonic = time.monotonic()
        log.info(
            "matching index loaded: %d carriers, %d experts, %d open demands in %.2fs",
            len(self.carriers),
            len(self.experts),
            len(self.demands),
            time.perf_counter() - started,
        )

    async def _load_tops(self, repo: MatchingRepository, demand_ids: Sequence[uuid.UUID]) -> None:
        for chunk in range(0, len(demand_ids), 500):
            ids = list(demand_ids[chunk : chunk + 500])
            own = set(self._own_sets)
            sets = {d: s for d, s in (await repo.latest_sets_of(ids)).items() if s.suggestion_set_id not in own}
            if not sets:
                continue
            set_ids = [s.suggestion_set_id for s in sets.values()]
            carrier_rows = await repo.rows_of_sets(set_ids, experts=False)
            expert_rows = await repo.rows_of_sets(set_ids, experts=True)
            for demand_id, s in sets.items():
                for kind, rows, k, key in (
                    (CARRIERS, carrier_rows.get(s.suggestion_set_id, []), self.top_k, "carrier_id"),
                    (EXPERTS, expert_rows.get(s.suggestion_set_id, []), self.settings.expert_top_k, "person_id"),
                ):
                    scored = [
                        Scored(str(getattr(r, key)), r.score, dict(r.components), list(r.matched_terms), r.at_capacity)
                        for r in rows
                    ]
                    self.demands.set_top(kind, str(demand_id), scored, k)

    async def sync(self, repo: MatchingRepository, *, force: bool = False) -> None:
        """Catch the index up with rows another replica wrote (at most every interval)."""
        if self.replaying:
            return
        interval = self.settings.index_sync_interval_s
        if not force and time.monotonic() - self._synced_monotonic < interval:
            return
        if await repo.generation() != self.generation:
            await self.load(repo)
            return
        now = datetime.now(UTC)
        since = (self._sync_mark or now) - timedelta(seconds=self.settings.index_sync_overlap_s)
        self._synced_monotonic = time.monotonic()
        changed_carriers = [r for r in await repo.carriers(written_since=since) if self._stale(self.carriers, r)]
        for r in changed_carriers:
            self._index_carrier_row(r)
        for r in await repo.people(written_since=since):
            if self._stale(self.experts, r):
                carrier = await repo.get_carrier(r.carrier_id) if r.carrier_id else None
                self._index_person_row(r, carrier)
        for r in await repo.demands(written_since=since):
            self._index_demand_row(r)
        # Suggestions another replica recorded: what it showed is what we compare with.
        await self._load_tops(
            repo, [uuid.UUID(d) for d in await repo.demands_suggested_since(since) if d in self.demands]
        )
        await self._load_conflicts(repo)
        self.curated |= await repo.decided_demand_ids(since=since)
        self._sync_mark = now

    @staticmethod
    def _stale(index: ProfileIndex, row: Any) -> bool:
        pid = str(row.carrier_id if hasattr(row, "kind") else row.person_id)
        if row.status != "active":
            return pid in index
        return pid not in index or index.version_of(pid) != row.written_at

    def _index_carrier_row(self, row: Any) -> CarrierDoc | None:
        pid = str(row.carrier_id)
        if row.status != "active":
            self.carriers.remove(pid)
            return None
        doc = carrier_doc(row)
        self.carriers.upsert(doc, version=row.written_at)
        return doc

    def _index_person_row(self, row: Any, carrier: CarrierDoc | None) -> CarrierDoc | None:
        pid = str(row.person_id)
        if row.status != "active":
            self.experts.remove(pid)
            return None
        doc = person_doc(row, carrier)
        self.experts.upsert(doc, version=row.written_at)
        return doc

    def _index_demand_row(self, row: Any) -> DemandDoc | None:
        if row.status in OPEN_STATUSES:
            doc = demand_doc(row)
            if self.demands.get(doc.demand_id) != doc:
                self.demands.upsert(doc)
            return doc
        self.demands.remove(str(row.demand_id))
        return None

    # -- consumed events: the read model -------------------------------------------------------
    @renders_views
    async def carrier_changed(
        self, uow: UnitOfWork, e: talent_ev.CarrierRegistered | talent_ev.CarrierProfileUpdated
    ) -> None:
        """Keep the carrier's profile current, then re-suggest for open demands whose top
        suggestions this change alters (and only those)."""
        updated = isinstance(e, talent_ev.CarrierProfileUpdated)
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        # The demands of its completed contracts are locked with it, all at once and in one order:
        # its track record takes their fields, so a demand opening at the same moment then sees the
        # carrier, or this sees the demand (locking the carrier alone, each missed the other).
        await repo.serialise(e.carrier_id, *await repo.demands_of_completed_contracts(e.carrier_id))
        now = datetime.now(UTC)
        changed, renamed = await repo.upsert_carrier(
            {
                "carrier_id": e.carrier_id,
                "name": e.name,
                "kind": e.kind,
                "city": e.city,
                "province": e.province,
                "country": e.country,
                "fields": e.fields,
                "capabilities": e.capabilities,
                "keywords": e.keywords,
                "capacity": e.capacity,
                "status": e.status if isinstance(e, talent_ev.CarrierProfileUpdated) else "active",
                "version": e.version if isinstance(e, talent_ev.CarrierProfileUpdated) else 1,
                "updated_at": e.updated_at if updated else e.registered_at,  # type: ignore[union-attr]
            },
            now,
        )
        if renamed and not self.replaying:
            self.views_changed(await repo.views_showing(carrier_id=e.carrier_id))
        if changed:
            await self._carrier_row_changed(uow, repo, e.carrier_id, trigger="profile_changed")

    async def _carrier_row_changed(
        self, uow: UnitOfWork, repo: MatchingRepository, carrier_id: uuid.UUID, *, trigger: str
    ) -> None:
        row = await repo.carrier_row(carrier_id)
        if row is None or self.replaying:
            return
        cid = str(carrier_id)
        was_indexed = cid in self.carriers
        doc = self._index_carrier_row(row)
        # Its people take its place, kind and track record.
        for person in await repo.people_of(carrier_id):
            self._index_person_row(person, carrier_doc(row))
        if doc is None and not was_indexed:
            return
        affected = (
            self.demands.affected_by(CARRIERS, doc, self.carriers, self.weights)
            if doc is not None
            else sorted(d for d, top in self.demands.tops[CARRIERS].items() if cid in top.members)
        )
        await self._rematch(uow, repo, affected, trigger)

    @renders_views
    async def person_changed(
        self, uow: UnitOfWork, e: talent_ev.PersonRegistered | talent_ev.PersonProfileUpdated
    ) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        await repo.serialise(e.person_id, e.carrier_id)
        updated = isinstance(e, talent_ev.PersonProfileUpdated)
        changed, renamed = await repo.upsert_person(
            {
                "person_id": e.person_id,
                "name": e.name,
                "roles": e.roles,
                "carrier_id": e.carrier_id,
                "university": e.university,
                "fields": e.fields,
                "keywords": e.keywords,
                "languages": e.languages,
                "capacity": e.capacity,
                "status": e.status if isinstance(e, talent_ev.PersonProfileUpdated) else "active",
                "version": e.version if isinstance(e, talent_ev.PersonProfileUpdated) else 1,
                "updated_at": e.updated_at if updated else e.registered_at,  # type: ignore[union-attr]
            },
            datetime.now(UTC),
        )
        if renamed and not self.replaying:
            self.views_changed(await repo.views_showing(person_id=e.person_id))
        if changed:
            await self._person_row_changed(uow, repo, e.person_id, trigger="profile_changed")

    async def _person_row_changed(
        self, uow: UnitOfWork, repo: MatchingRepository, person_id: uuid.UUID, *, trigger: str
    ) -> None:
        row = await repo.person_row(person_id)
        if row is None or self.replaying:
            return
        pid = str(person_id)
        was_indexed = pid in self.experts
        carrier = await repo.get_carrier(row.carrier_id) if row.carrier_id else None
        doc = self._index_person_row(row, carrier)
        if doc is None and not was_indexed:
            return
        affected = (
            self.demands.affected_by(EXPERTS, doc, self.experts, self.settings.weights_for_experts)
            if doc is not None
            else sorted(d for d, top in self.demands.tops[EXPERTS].items() if pid in top.members)
        )
        await self._rematch(uow, repo, affected, trigger)

    @renders_views
    async def capacity_changed(self, uow: UnitOfWork, e: talent_ev.CapacityChanged) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        await repo.serialise(e.subject_id)
        applied = await repo.apply_capacity(
            e.subject_type, e.subject_id, e.capacity, e.active_load, e.changed_at, datetime.now(UTC)
        )
        if not applied:
            return  # stale, or the profile is not known yet (it will pick the state up)
        if e.subject_type == "carrier":
            await self._carrier_row_changed(uow, repo, e.subject_id, trigger="capacity_changed")
        else:
            await self._person_row_changed(uow, repo, e.subject_id, trigger="capacity_changed")

    @renders_views
    async def demand_open(self, uow: UnitOfWork, e: demand_ev.DemandSubmitted | demand_ev.DemandPublished) -> None:
        """A demand became open for matching: remember it and suggest carriers and experts."""
        published = isinstance(e, demand_ev.DemandPublished)
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        await repo.serialise(e.demand_id)
        now = datetime.now(UTC)
        await repo.upsert_demand(
            {
                "demand_id": e.demand_id,
                "enterprise_id": e.enterprise_id,
                "title": e.title,
                "description": e.description,
                "fields": e.fields,
                "keywords": e.keywords,
                "demand_type": e.demand_type,
                "budget": e.budget,
                "province": e.province,
                "city": e.city,
                "trl_current": e.trl_current,
                "trl_target": e.trl_target,
                "center_id": e.center_id,
                "deadline": e.deadline,
                "confidentiality": e.confidentiality,
                "status": "published" if published else "submitted",
                "published_at": e.published_at if published else None,  # type: ignore[union-attr]
                "updated_at": now,
            },
            now,
        )
        # A contract for this demand may have been seen first (another topic): its track
        # record entry takes the demand's fields now.
        for carrier_id in await repo.carriers_with_completed_contracts_for(e.demand_id):
            if await repo.refresh_track(carrier_id, now) and not self.replaying:
                await self._carrier_row_changed(uow, repo, carrier_id, trigger="track_record_changed")
        if self.replaying:
            return
        row = await repo.demand_row(e.demand_id)
        if self._index_demand_row(row) is None:
            return  # already past open (a late event): nothing to suggest
        await self.suggest(uow, e.demand_id, trigger="demand_published" if published else "demand_submitted")

    @renders_views
    async def demand_updated(self, uow: UnitOfWork, e: demand_ev.DemandUpdated) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        changes = _demand_changes(e.changed)
        now = datetime.now(UTC)
        if not await repo.update_demand(e.demand_id, changes, e.version, now) or self.replaying:
            return
        row = await repo.demand_row(e.demand_id)
        if self._index_demand_row(row) is not None:
            await self.suggest(uow, e.demand_id, trigger="demand_updated", only_if_changed=True)

    async def demand_status(self, uow: UnitOfWork, demand_id: uuid.UUID, status: str) -> None:
        repo = MatchingRepository(uow.conn)
        if (
            await repo.set_demand_status(demand_id, status, datetime.now(UTC)) is not None
            and status not in OPEN_STATUSES
        ):
            self.demands.remove(str(demand_id))

    async def access_granted(self, uow: UnitOfWork, e: demand_ev.DemandAccessGranted) -> None:
        """A carrier may now see a confidential demand in full, here too: what is derived from
        its details (matched terms, scores, explanations) included. The stored views hold
        everything; each read shows the caller what the visibility table lets it see."""
        await MatchingRepository(uow.conn).grant_access(e.demand_id, e.carrier_id, e.granted_at)

    async def access_revoked(self, uow: UnitOfWork, e: demand_ev.DemandAccessRevoked) -> None:
        await MatchingRepository(uow.conn).revoke_access(e.demand_id, e.carrier_id)

    @renders_views
    async def contract_changed(
        self,
        uow: UnitOfWork,
        e: contract_ev.ContractSigned | contract_ev.ContractCompleted | contract_ev.ContractTerminated,
    ) -> None:
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        status = {
            contract_ev.ContractSigned: "signed",
            contract_ev.ContractCompleted: "completed",
            contract_ev.ContractTerminated: "terminated",
        }[type(e)]
        values: dict[str, Any] = {
            "contract_id": e.contract_id,
            "demand_id": e.demand_id,
            "enterprise_id": e.enterprise_id,
            "carrier_id": e.carrier_id,
            "status": status,
            "value": getattr(e, "value", Decimal("0")),
            "signed_at": e.signed_at if isinstance(e, contract_ev.ContractSigned) else None,
            "completed_at": e.completed_at if isinstance(e, contract_ev.ContractCompleted) else None,
        }
        if isinstance(e, contract_ev.ContractTerminated):
            values.pop("value")
            values["value"] = Decimal("0")
        await repo.serialise(e.demand_id, e.carrier_id)
        if not await repo.record_contract(values):
            return
        if status == "completed" and await repo.refresh_track(e.carrier_id, datetime.now(UTC)):
            await self._carrier_row_changed(uow, repo, e.carrier_id, trigger="track_record_changed")

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
        await MatchingRepository(uow.conn).save_suggestion_set(
            set_id, demand_id, trigger, ranking.carriers, ranking.experts, affiliation, now
        )
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
        repo = MatchingRepository(uow.conn)
        await self.sync(repo)
        row = await repo.demand_row(demand_id)
        if row is None:
            raise NotFound("demand (in matching's read model)", demand_id)
        existing = await repo.decision_of(demand_id, carrier_id)
        suggestion = await repo.last_suggestion_of(demand_id, carrier_id)
        in_conflict = str(carrier_id) in self._conflicted(str(row.enterprise_id))
        try:
            domain.check_decision(
                demand_state=row.status,
                current=Decision(existing.decision) if existing else Decision.SUGGESTED,
                action=action,
                was_suggested=suggestion is not None,
                in_conflict=in_conflict,
            )
        except IllegalDecision as exc:
            raise decision_problem(exc) from exc
        except ValueError as exc:
            raise Problem(
                422, "not-decidable", str(exc), errors=[{"field": "carrier_id", "message": str(exc)}]
            ) from exc
        now = datetime.now(UTC)
        carrier = await repo.carrier_row(carrier_id)
        match_id = uuid.uuid4()
        decision = Decision.ACCEPTED if action == "accept" else Decision.REJECTED
        assert suggestion is not None
        values = {
            "match_id": match_id,
            "demand_id": demand_id,
            "carrier_id": carrier_id,
            "decision": decision.value,
            "reason_code": reason_code,
            "reason_note": reason_note,
            "decided_by": decided_by,
            "decided_at": now,
            "suggestion_set_id": suggestion.suggestion_set_id,
            "score": suggestion.score,
            "carrier_name": carrier.name if carrier else None,
            "carrier_fields": list(carrier.fields) if carrier else [],
            "matched_terms": list(suggestion.matched_terms),
            "components": dict(suggestion.components),
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
                    score=suggestion.score,
                    accepted_at=now,
                    suggestion_set_id=suggestion.suggestion_set_id,
                )
            )
            new_set = None
        else:
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
            "reason": {"code": get("reason_code"), "note": get("reason_note")} if get("reason_code") else None,
            "decided_by": get("decided_by"),
            "decided_at": get("decided_at"),
            "suggestion_set_id": get("suggestion_set_id"),
            "score": get("score"),
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

    # -- conflicts of interest -------------------------------------------------------------------
    async def _load_conflicts(self, repo: MatchingRepository) -> None:
        """The committed conflicts (a change the reading transaction is making is not: its
        ``after_commit`` applies it)."""
        conflicts: dict[str, set[str]] = {}
        for enterprise_id, carrier_id in await repo.all_conflicts():
            conflicts.setdefault(enterprise_id, set()).add(carrier_id)
        change = _CONFLICT_CHANGE.get()
        if change is not None:
            enterprise_id, carrier_id, present = change
            carriers = conflicts.setdefault(enterprise_id, set())
            if present:
                carriers.discard(carrier_id)
            else:
                carriers.add(carrier_id)
        self.conflicts = conflicts

    def _conflicted(self, enterprise_id: str) -> set[str]:
        """The carriers in conflict with an enterprise, as the running transaction sees them."""
        committed = self.conflicts.get(enterprise_id, set())
        change = _CONFLICT_CHANGE.get()
        if change is None or change[0] != enterprise_id:
            return committed
        _, carrier_id, present = change
        return committed | {carrier_id} if present else committed - {carrier_id}

    @contextmanager
    def _conflict_changed(
        self, uow: UnitOfWork, enterprise_id: str, carrier_id: str, *, present: bool
    ) -> Iterator[None]:
        """Within the block, this transaction ranks with the change; the shared cache takes it only
        once the transaction commits (a rolled-back change leaves no stale conflict behind)."""

        def apply() -> None:
            carriers = self.conflicts.setdefault(enterprise_id, set())
            if present:
                carriers.add(carrier_id)
            else:
                carriers.discard(carrier_id)

        token = _CONFLICT_CHANGE.set((enterprise_id, carrier_id, present))
        try:
            yield
        finally:
            _CONFLICT_CHANGE.reset(token)
        uow.after_commit(apply)

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

    # -- batch assignment ------------------------------------------------------------------------
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
        ids = ids[:max_demands]
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
            decisions = await repo.decisions_for(demand_id)
            taken = {str(d.carrier_id) for d in decisions}  # rejected, or accepted already
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
        result = asg.solve(
            asg.AssignmentProblem(
                demand_ids=[str(d) for d in ids],
                candidates=candidates,
                free_capacity=free,
                k=k,
                floor=floor,
                known_reasons=known_reasons,
                excluded=excluded,
                best_below_floor=best_below,
            )
        )
        names = await repo.carrier_names({uuid.UUID(a.carrier_id) for o in result.outcomes for a in o.assigned})
        batch_id, now = uuid.uuid4(), datetime.now(UTC)
        proposals, unserved, view = [], [], []
        for o in result.outcomes:
            assigned_view = []
            notes = []
            for a in o.assigned:
                s = details[(o.demand_id, a.carrier_id)]
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
                    "title": titles.get(o.demand_id),
                    "served": bool(o.assigned),
                    "carriers": assigned_view,
                    "passed_over": passed,
                    "reason": o.reason,
                }
            )
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


_DEMAND_TEXT_FIELDS = (
    "title",
    "description",
    "fields",
    "keywords",
    "demand_type",
    "province",
    "city",
    "confidentiality",
)


def _demand_changes(changed: dict[str, object]) -> dict[str, Any]:
    """The part of a ``DemandUpdated.changed`` that matching keeps, typed for its columns."""
    out: dict[str, Any] = {k: changed[k] for k in _DEMAND_TEXT_FIELDS if k in changed}
    for k in ("trl_current", "trl_target"):
        if k in changed:
            v = changed[k]
            out[k] = int(v) if isinstance(v, int | str) and str(v).strip() else None
    if "budget" in changed:
        try:
            out["budget"] = Decimal(str(changed["budget"])) if changed["budget"] is not None else None
        except InvalidOperation:
            pass
    if "center_id" in changed:
        out["center_id"] = uuid.UUID(str(changed["center_id"])) if changed["center_id"] else None
    if "deadline" in changed:
        v = changed["deadline"]
        out["deadline"] = datetime.fromisoformat(str(v)) if v else None
    return out
