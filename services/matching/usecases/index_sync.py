"""The in-memory state of a matching process and how it keeps current.

Two ``ProfileIndex`` (carriers, experts), the ``OpenDemands`` with what each last showed, and
the conflict-of-interest pairs are a cache of the read model: built at start (``load``), changed
by every event this process handles, and caught up every ``index_sync_interval_s`` with the rows
other replicas wrote (``sync``). A rebuild of the read model bumps its generation and every
process reloads.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from services.matching import views
from services.matching.domain import CurationSettings
from services.matching.index import OpenDemands, ProfileIndex
from services.matching.repository import (
    OPEN_STATUSES,
    MatchingRepository,
    carrier_doc,
    demand_doc,
    person_doc,
)
from services.matching.scoring import CarrierDoc, DemandDoc, Scored
from services.matching.settings import MatchingSettings
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.pgread import Reader

log = logging.getLogger(__name__)


CARRIERS, EXPERTS = "carriers", "experts"

# A conflict of interest being added or removed by the running transaction: (enterprise, carrier, present).
_CONFLICT_CHANGE: ContextVar[tuple[str, str, bool] | None] = ContextVar("matching_conflict_change", default=None)


class IndexState:
    """The in-memory index and its catch-up; the base of every use case."""

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
