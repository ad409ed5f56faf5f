"""Dashboard use cases: apply each consumed event to the projection (inside the consumer's unit
of work), and read the KPIs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from services.dashboard import domain
from services.dashboard.domain import DIMENSIONS, Audience, attributes_from_changes, full_attributes, money
from services.dashboard.repository import ALL_TIME, DashboardRepository, Period
from services.dashboard.writes import PROJECT_MANAGER_ROLE, Row, Writes, merged
from shared.calendar import DateRange, day_start
from shared.events import contracts as ct
from shared.events import demand as dm
from shared.events import matching as mt
from shared.events import talent as tl
from shared.events.base import registered_events
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.visibility import Sight

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EVER = DateRange(None, None)


class Projection:
    """Each method applies one event type. Every one of them may run twice for the same event
    (a rebuild next to the live consumer, a redelivery) and in any order relative to events of
    other topics: the merge rules of its writes (``writes``) make that harmless. They write nothing
    themselves: ``Batch.flush`` writes what a batch of them changed."""

    # -- demand topic -----------------------------------------------------------------------
    def demand_submitted(self, w: Writes, e: dm.DemandSubmitted, env: Envelope) -> None:
        w.ensure_demand(e.demand_id, e.enterprise_id)
        attrs = full_attributes(
            center_id=e.center_id, budget=e.budget, fields=e.fields, confidentiality=e.confidentiality
        )
        w.set_demand_attributes(e.demand_id, attrs, e.submitted_at)
        w.describe_demand(e.demand_id, e.submitted_at, title=e.title, province=e.province, city=e.city)
        w.reach_stage(e.demand_id, "submitted", e.submitted_at)

    def demand_published(self, w: Writes, e: dm.DemandPublished, env: Envelope) -> None:
        w.ensure_demand(e.demand_id, e.enterprise_id)
        attrs = full_attributes(
            center_id=e.center_id, budget=e.budget, fields=e.fields, confidentiality=e.confidentiality
        )
        w.set_demand_attributes(e.demand_id, attrs, e.published_at)
        w.describe_demand(e.demand_id, e.published_at, title=e.title, province=e.province, city=e.city)
        w.reach_stage(e.demand_id, "published", e.published_at)

    def demand_updated(self, w: Writes, e: dm.DemandUpdated, env: Envelope) -> None:
        w.ensure_demand(e.demand_id)
        w.set_demand_attributes(e.demand_id, attributes_from_changes(e.changed), e.updated_at)
        title = e.changed.get("title")
        place: dict[str, object] = {k: e.changed[k] for k in ("province", "city") if k in e.changed}
        if isinstance(title, str) or place:
            w.describe_demand(
                e.demand_id, e.updated_at, title=title if isinstance(title, str) else None, **_place(place)
            )

    def demand_matched(self, w: Writes, e: dm.DemandMatched, env: Envelope) -> None:
        w.ensure_demand(e.demand_id)
        w.reach_stage(e.demand_id, "matched", e.matched_at)
        w.attribute_demand(e.demand_id, e.matched_at, carrier_id=e.carrier_id)

    def demand_contracted(self, w: Writes, e: dm.DemandContracted, env: Envelope) -> None:
        w.ensure_demand(e.demand_id)
        w.reach_stage(e.demand_id, "contracted", e.contracted_at)

    def demand_closed(self, w: Writes, e: dm.DemandClosed, env: Envelope) -> None:
        w.ensure_demand(e.demand_id)
        w.reach_stage(e.demand_id, "completed", e.closed_at)

    def demand_withdrawn(self, w: Writes, e: dm.DemandWithdrawn, env: Envelope) -> None:
        self._leave(w, e.demand_id, "withdrawn", e.withdrawn_at)

    def demand_rejected(self, w: Writes, e: dm.DemandRejected, env: Envelope) -> None:
        self._leave(w, e.demand_id, "rejected", e.rejected_at)

    def demand_expired(self, w: Writes, e: dm.DemandExpired, env: Envelope) -> None:
        self._leave(w, e.demand_id, "expired", e.expired_at)

    def _leave(self, w: Writes, demand_id: uuid.UUID, how: str, at: datetime) -> None:
        w.ensure_demand(demand_id)
        w.leave_funnel(demand_id, how, at)

    def center_established(self, w: Writes, e: dm.JointInnovationCenterEstablished, env: Envelope) -> None:
        # The event carries no time of its own; the CloudEvent's (optional) time orders renames.
        w.name("center", e.center_id, e.name, env.time or EPOCH)
        w.supply_started("center", e.center_id, day_start(date.fromisoformat(e.established_on)))

    # -- talent topic -----------------------------------------------------------------------
    def carrier_registered(self, w: Writes, e: tl.CarrierRegistered, env: Envelope) -> None:
        w.name("carrier", e.carrier_id, e.name, e.registered_at)
        w.supply_started("carrier", e.carrier_id, e.registered_at)
        w.supply_category("carrier", e.carrier_id, e.registered_at, category=e.kind)

    def carrier_updated(self, w: Writes, e: tl.CarrierProfileUpdated, env: Envelope) -> None:
        w.name("carrier", e.carrier_id, e.name, e.updated_at)
        w.supply_category("carrier", e.carrier_id, e.updated_at, category=e.kind)

    def person_registered(self, w: Writes, e: tl.PersonRegistered, env: Envelope) -> None:
        # Only project managers' names: they label a breakdown; nobody else's name is kept.
        if PROJECT_MANAGER_ROLE in e.roles:
            w.name("person", e.person_id, e.name, e.registered_at)
        w.supply_started("person", e.person_id, e.registered_at)
        w.supply_category("person", e.person_id, e.registered_at, roles=e.roles)

    def person_updated(self, w: Writes, e: tl.PersonProfileUpdated, env: Envelope) -> None:
        if PROJECT_MANAGER_ROLE in e.roles:
            w.name("person", e.person_id, e.name, e.updated_at)
        w.supply_category("person", e.person_id, e.updated_at, roles=e.roles)

    # -- contracts topic: the funds ----------------------------------------------------------
    def fund_established(self, w: Writes, e: ct.FundEstablished, env: Envelope) -> None:
        w.fund_established(
            e.fund_id,
            day_start(e.established_on),
            committed=e.committed_capital,
            institute=e.institute_commitment,
            social=e.social_capital,
        )

    def fund_invested(self, w: Writes, e: ct.FundInvested, env: Envelope) -> None:
        w.fund_invested(e.investment_id, e.fund_id, e.amount, day_start(e.invested_on))

    def trainee_enrolled(self, w: Writes, e: tl.TraineeEnrolled, env: Envelope) -> None:
        w.supply_started("trainee", e.trainee_id, e.enrolled_at)

    def trainee_placed(self, w: Writes, e: tl.TraineePlacementStarted, env: Envelope) -> None:
        w.trainee_moved(e.trainee_id, "placed", e.at)

    def trainee_graduated(self, w: Writes, e: tl.TraineeGraduated, env: Envelope) -> None:
        w.trainee_moved(e.trainee_id, "graduated", e.at)

    def trainee_withdrawn(self, w: Writes, e: tl.TraineeWithdrawn, env: Envelope) -> None:
        w.trainee_moved(e.trainee_id, "withdrawn", e.at)

    def assignment_made(self, w: Writes, e: tl.AssignmentMade, env: Envelope) -> None:
        # Its release, if it arrives first (a replay next to the live consumer), is applied then.
        w.record_assignment(
            e.assignment_id,
            role=e.role,
            person_id=e.person_id,
            target_type=e.target_type,
            target_id=e.target_id,
            at=e.made_at,
        )
        if e.role != PROJECT_MANAGER_ROLE or e.person_id is None:
            return
        if e.target_type == "demand":
            w.ensure_demand(e.target_id)
            w.attribute_demand(e.target_id, e.made_at, project_manager_id=e.person_id)
        elif e.target_type == "contract":
            w.ensure_contract(e.target_id)
            w.attribute_contract(e.target_id, e.person_id, e.made_at)

    def assignment_released(self, w: Writes, e: tl.AssignmentReleased, env: Envelope) -> None:
        # A project manager's: its demand or contract has none from then on (``Writes.flush``).
        w.record_release(
            e.assignment_id, person_id=e.person_id, target_type=e.target_type, target_id=e.target_id, at=e.released_at
        )

    # -- matching topic ---------------------------------------------------------------------
    def match_accepted(self, w: Writes, e: mt.MatchAccepted, env: Envelope) -> None:
        w.ensure_demand(e.demand_id, e.enterprise_id)
        w.reach_stage(e.demand_id, "matched", e.accepted_at)
        w.attribute_demand(e.demand_id, e.accepted_at, carrier_id=e.carrier_id, project_manager_id=e.project_manager_id)

    # -- contracts topic --------------------------------------------------------------------
    def contract_drafted(self, w: Writes, e: ct.ContractDrafted, env: Envelope) -> None:
        w.ensure_contract(
            e.contract_id,
            demand_id=e.demand_id,
            enterprise_id=e.enterprise_id,
            carrier_id=e.carrier_id,
            center_id=e.center_id,
            contract_type=e.contract_type,
        )
        w.set_contract_value(e.contract_id, e.value, 0)
        w.contract_stage(e.contract_id, "drafted", e.drafted_at)
        if e.project_manager_id is not None:
            w.attribute_contract(e.contract_id, e.project_manager_id, e.drafted_at)

    def contract_signed(self, w: Writes, e: ct.ContractSigned, env: Envelope) -> None:
        w.ensure_contract(
            e.contract_id,
            demand_id=e.demand_id,
            enterprise_id=e.enterprise_id,
            carrier_id=e.carrier_id,
            center_id=e.center_id,
            contract_type=e.contract_type,
        )
        w.set_contract_value(e.contract_id, e.value, e.contract_version)
        w.contract_stage(e.contract_id, "signed", e.signed_at)
        if e.project_manager_id is not None:
            w.attribute_contract(e.contract_id, e.project_manager_id, e.signed_at)
        if e.demand_id is not None:
            # The demand reached "contracted" when its contract was signed, whether or not the
            # demand service's own DemandContracted has arrived yet.
            w.ensure_demand(e.demand_id, e.enterprise_id)
            w.reach_stage(e.demand_id, "contracted", e.signed_at)
            w.attribute_demand(
                e.demand_id, e.signed_at, carrier_id=e.carrier_id, project_manager_id=e.project_manager_id
            )

    def contract_amended(self, w: Writes, e: ct.ContractAmended, env: Envelope) -> None:
        w.ensure_contract(e.contract_id)
        w.set_contract_value(e.contract_id, e.value, e.contract_version)

    def payment_recorded(self, w: Writes, e: ct.PaymentRecorded, env: Envelope) -> None:
        w.ensure_contract(e.contract_id, enterprise_id=e.enterprise_id, carrier_id=e.carrier_id)
        w.add_payment(e.payment_id, e.contract_id, e.carrier_id, e.amount, e.recorded_at)

    def contract_completed(self, w: Writes, e: ct.ContractCompleted, env: Envelope) -> None:
        w.ensure_contract(e.contract_id, demand_id=e.demand_id, enterprise_id=e.enterprise_id, carrier_id=e.carrier_id)
        w.contract_stage(e.contract_id, "completed", e.completed_at)
        if e.project_manager_id is not None:
            w.attribute_contract(e.contract_id, e.project_manager_id, e.completed_at)
        if e.demand_id is not None:
            w.ensure_demand(e.demand_id, e.enterprise_id)
            w.reach_stage(e.demand_id, "completed", e.completed_at)

    def contract_terminated(self, w: Writes, e: ct.ContractTerminated, env: Envelope) -> None:
        w.ensure_contract(e.contract_id, demand_id=e.demand_id, enterprise_id=e.enterprise_id, carrier_id=e.carrier_id)
        w.contract_stage(e.contract_id, "terminated", e.terminated_at)


class Batch:
    """The events of one transaction (a consumer's batch, or one event): what they change in the
    projection, merged as they come (``Writes``), and of each event, when ``announcing``, what a
    viewer's sight of its demand depends on as the event leaves the demand (a later event of the
    batch may publish it: the earlier ones still are not seen)."""

    def __init__(self, *, announcing: bool) -> None:
        self.writes = Writes()
        self.announcing = announcing
        self._events: list[tuple[Envelope, uuid.UUID | str | None, Row | None]] = []

    def note(self, envelope: Envelope) -> None:
        """``envelope`` was applied (its changes are in ``writes``)."""
        about: uuid.UUID | str | None = None
        if self.announcing:
            demand = domain.demand_of(domain.short_type(envelope.type), envelope.data)
            try:
                about = None if demand is None else uuid.UUID(demand)
            except ValueError:
                about = ""  # not a demand's id: seen not at all
        change = self.writes.sight_of(about) if isinstance(about, uuid.UUID) else None
        self._events.append((envelope, about, change))

    async def flush(self, uow: UnitOfWork) -> list[tuple[Envelope, Sight]]:
        """Write the batch (a few statements whatever its size): its changes, then its events
        among the latest ones; returns each event with what a viewer sees of it."""
        repo = DashboardRepository(uow.conn)
        # What the batch's demands were before it (one read), each event's change on top.
        stored = await repo.sight_rows({a for _, a, _ in self._events if isinstance(a, uuid.UUID)})
        sights = [
            Sight.FULL
            if not self.announcing or about is None
            else Sight.NONE
            if not isinstance(about, uuid.UUID) or (row := merged(stored.get(about), change)) is None
            else domain.row_sight(row)
            for _, about, change in self._events
        ]
        await self.writes.flush(uow.conn)
        envelopes = [env for env, _, _ in self._events]
        await repo.remember_events(
            [(env.id, domain.short_type(env.type), env.subject, env.time or datetime.now(UTC)) for env in envelopes]
        )
        self._events.clear()
        return list(zip(envelopes, sights, strict=True))


class KpiService:
    def __init__(self, uow: UnitOfWorkFactory, *, k: int = domain.DEFAULT_K) -> None:
        self.uow = uow
        self.k = k  # the fewest confidential budgets a figure shown to a dashboard viewer may add up

    async def kpis(self, limit: int, audience: Audience = Audience.FULL, period: DateRange = EVER) -> dict[str, Any]:
        """The KPIs of ``period`` as ``audience`` may see them: dashboard viewers get no intended
        investment that adds up fewer than k confidential budgets (``domain.protect_intended``)."""
        min_k = self._min_k(audience)
        bounds = period.bounds()
        async with self.uow.read() as conn:
            repo = DashboardRepository(conn)
            totals = await repo.totals(bounds)
            supply = await repo.supply_figures(bounds)
            fund_years = domain.fund_years(await repo.fund_figures(bounds))
            breakdowns: dict[str, Any] = {}
            truncated: dict[str, int] = {}
            for dimension in DIMENSIONS:
                breakdowns[dimension], truncated[dimension] = await self._breakdown(
                    repo, dimension, bounds, audience, limit
                )
        funnel = totals["funnel"]
        deals = totals["contracts"]
        hide_total = domain.total_suppressed(int(funnel["confidential"]), min_k)
        return {
            "funnel": {k: int(funnel[k]) for k in (*domain.STAGES, "withdrawn", "rejected", "expired")},
            "money": {
                "currency": "CNY",
                "intended": None if hide_total else money(funnel["intended"]),
                "contracted": money(deals["contracted_value"]),
                "paid": money(totals["paid"]),
                "suppressed": ["intended"] if hide_total else [],
            },
            "contracts": {k: int(deals[k]) for k in ("signed", "completed", "terminated")},
            "breakdowns": breakdowns,
            "supply": domain.supply_summary(supply["started"], supply["trainees"]),
            "funds": domain.fund_summary(fund_years),
            "breakdown_sizes": truncated,
        }

    async def breakdown(
        self, dimension: str, audience: Audience = Audience.FULL, period: DateRange = EVER
    ) -> list[dict[str, Any]]:
        """Every row of one breakdown (busiest first; months in order), for paging and export."""
        async with self.uow.read() as conn:
            rows, _ = await self._breakdown(DashboardRepository(conn), dimension, period.bounds(), audience, None)
        return rows

    async def fund_years(self, period: DateRange = EVER) -> list[dict[str, Any]]:
        """The funds established and invested per year of ``period`` (the institute's calendar)."""
        async with self.uow.read() as conn:
            return domain.fund_years(await DashboardRepository(conn).fund_figures(period.bounds()))

    def _min_k(self, audience: Audience) -> int:
        return self.k if audience is Audience.VIEWER else 1

    async def _breakdown(
        self, repo: DashboardRepository, dimension: str, bounds: Period, audience: Audience, limit: int | None
    ) -> tuple[list[dict[str, Any]], int]:
        viewer = audience is Audience.VIEWER
        merged = domain.merge_rows(*await repo.grouped(dimension, bounds, viewer=viewer))
        if bounds != ALL_TIME:  # a key with nothing in the period is no row of it
            merged = {k: m for k, m in merged.items() if not m.empty()}
        kind = {"center": "center", "carrier": "carrier", "project_manager": "person"}.get(dimension)
        names = await repo.names(kind, (k for k in merged if k is not None)) if kind else {}
        hidden = domain.protect_intended(merged, self._min_k(audience), partition=dimension in domain.PARTITIONS)
        return domain.breakdown(dimension, merged, names, len(merged) if limit is None else limit, hidden)

    async def recent_events(self, limit: int, audience: Audience = Audience.FULL) -> list[dict[str, Any]]:
        """The latest events, each named by what it concerns (``label``: the demand's title, the
        center's or carrier's name); a dashboard viewer's leave out those whose subject is a
        demand it does not see (not published yet: ``domain.viewer_sight``), whose title it
        then does not get either."""
        async with self.uow.read() as conn:
            repo = DashboardRepository(conn)
            rows = await repo.recent(limit if audience is not Audience.VIEWER else None)  # RECENT_KEPT at most
            about = [_demand_subject(r) for r in rows]
            if audience is Audience.VIEWER:
                sights = await repo.viewer_sights(d for d in about if d is not None)
                kept = [
                    (r, d)
                    for r, d in zip(rows, about, strict=True)
                    if d is None or sights.get(d, Sight.NONE) is not Sight.NONE
                ][:limit]
            else:
                kept = list(zip(rows, about, strict=True))
            titles = await repo.titles(d for _, d in kept if d is not None)
            names = await repo.names_of((r["subject"] for r, d in kept if d is None))
        return [{**r, "label": titles.get(d) if d is not None else names.get(r["subject"])} for r, d in kept]


@cache
def _keyed_by_demand() -> frozenset[str]:
    """The events whose subject (their key) is a demand's id."""
    return frozenset(cls.TYPE for cls in registered_events().values() if cls.KEY == "demand_id")


def _place(changed: Mapping[str, object]) -> dict[str, Any]:
    """The province and city a DemandUpdated sets (both, since they go together)."""
    if not changed:
        return {}
    return {"province": changed.get("province"), "city": changed.get("city")}


def _demand_subject(row: dict[str, Any]) -> uuid.UUID | None:
    """The demand a remembered event is about, when its subject is a demand (its key is one)."""
    if row["type"] not in _keyed_by_demand():
        return None
    try:
        return uuid.UUID(row["subject"])
    except ValueError:
        return None
