"""Events the dashboard consumes: all of them, from every topic.

Events that move a KPI update the projection; every event is kept among the latest ones and
announced to the live stream once its unit of work has committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from services.dashboard.live import announce, announcing
from services.dashboard.service import Batch, Projection
from services.dashboard.writes import Writes
from shared.consumer import BatchScope, Handler
from shared.events import contracts as ct
from shared.events import demand as dm
from shared.events import matching as mt
from shared.events import talent as tl
from shared.events.base import DomainEvent, registered_events
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime

# What an event changes in the projection (no I/O: ``Batch.flush`` writes it).
Apply = Callable[[Writes, Any, Envelope], None]

# The platform's own event modules (test-only events declared elsewhere are not streamed).
PLATFORM_MODULES = (dm.__name__, tl.__name__, mt.__name__, ct.__name__)


def platform_events() -> list[type[DomainEvent]]:
    return [cls for cls in registered_events().values() if cls.__module__ in PLATFORM_MODULES]


def stream_types() -> frozenset[str]:
    """The event type names a stream subscriber may filter on."""
    return frozenset(cls.TYPE for cls in platform_events())


def projection_handlers(projection: Projection) -> dict[type[DomainEvent], Apply]:
    """The events that move a KPI, and what each one does."""
    return {
        dm.DemandSubmitted: projection.demand_submitted,
        dm.DemandPublished: projection.demand_published,
        dm.DemandUpdated: projection.demand_updated,
        dm.DemandMatched: projection.demand_matched,
        dm.DemandContracted: projection.demand_contracted,
        dm.DemandClosed: projection.demand_closed,
        dm.DemandWithdrawn: projection.demand_withdrawn,
        dm.DemandRejected: projection.demand_rejected,
        dm.DemandExpired: projection.demand_expired,
        dm.JointInnovationCenterEstablished: projection.center_established,
        tl.CarrierRegistered: projection.carrier_registered,
        tl.CarrierProfileUpdated: projection.carrier_updated,
        tl.PersonRegistered: projection.person_registered,
        tl.PersonProfileUpdated: projection.person_updated,
        tl.TraineeEnrolled: projection.trainee_enrolled,
        tl.TraineePlacementStarted: projection.trainee_placed,
        tl.TraineeGraduated: projection.trainee_graduated,
        tl.TraineeWithdrawn: projection.trainee_withdrawn,
        tl.AssignmentMade: projection.assignment_made,
        tl.AssignmentReleased: projection.assignment_released,
        mt.MatchAccepted: projection.match_accepted,
        ct.ContractDrafted: projection.contract_drafted,
        ct.ContractSigned: projection.contract_signed,
        ct.ContractAmended: projection.contract_amended,
        ct.PaymentRecorded: projection.payment_recorded,
        ct.ContractCompleted: projection.contract_completed,
        ct.ContractTerminated: projection.contract_terminated,
        ct.FundEstablished: projection.fund_established,
        ct.FundInvested: projection.fund_invested,
    }


# The running batch (``batch_scope``): its events are written and announced at its end.
_BATCH: ContextVar[Batch | None] = ContextVar("dashboard_batch", default=None)


async def flush(batch: Batch, uow: UnitOfWork) -> None:
    """Write the batch's events in the projection and announce them (after the commit)."""
    for envelope, sight in await batch.flush(uow):
        announce(envelope, seen=sight)


def build_handlers(projection: Projection) -> dict[type[DomainEvent], Handler]:
    appliers = projection_handlers(projection)

    def handler_for(apply: Apply | None) -> Handler:
        async def handle(uow: UnitOfWork, event: DomainEvent, envelope: Envelope) -> None:
            batch = _BATCH.get()
            alone = batch is None
            if batch is None:
                batch = Batch(announcing=announcing())
            if apply is not None:
                apply(batch.writes, event, envelope)
            batch.note(envelope)
            if alone:
                await flush(batch, uow)

        return handle

    return {cls: handler_for(appliers.get(cls)) for cls in platform_events()}


def build_batch_scope(projection: Projection) -> BatchScope:
    """A batch of events is one transaction (every handler is safe to repeat and to reorder
    across topics): what its events change is written at its end, a few statements for the
    whole batch, and its events announced together."""

    @asynccontextmanager
    async def scope(uow: UnitOfWork, _events: Sequence[DomainEvent]) -> AsyncIterator[None]:
        batch = Batch(announcing=announcing())
        token = _BATCH.set(batch)
        try:
            yield
        finally:
            _BATCH.reset(token)
        await flush(batch, uow)

    return scope


def _projection(runtime: ServiceRuntime) -> Projection:
    projection: Projection = runtime.state.setdefault("projection", Projection())
    return projection


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    return build_handlers(_projection(runtime))


def batch_scope(runtime: ServiceRuntime) -> BatchScope:
    return build_batch_scope(_projection(runtime))
