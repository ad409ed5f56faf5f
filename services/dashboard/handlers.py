"""Events the dashboard consumes: all of them, from every topic.

Events that move a KPI update the projection; every event is kept among the latest ones and
announced to the live stream once its unit of work has committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from services.dashboard.live import announce, announcing
from services.dashboard.service import Projection
from shared.consumer import BatchScope, Handler
from shared.events import contracts as ct
from shared.events import demand as dm
from shared.events import matching as mt
from shared.events import talent as tl
from shared.events.base import DomainEvent, registered_events
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime
from shared.visibility import Sight

Apply = Callable[[UnitOfWork, Any, Envelope], Awaitable[None]]

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


# The events of the running batch (``batch_scope``) with what a viewer sees of each: remembered
# and announced at its end.
_BATCH: ContextVar[list[tuple[Envelope, Sight]] | None] = ContextVar("dashboard_batch", default=None)


async def remember(projection: Projection, uow: UnitOfWork, seen: list[tuple[Envelope, Sight]]) -> None:
    """Keep the events among the latest ones and announce them (after the commit)."""
    await projection.remember(uow, [envelope for envelope, _ in seen])
    for envelope, sight in seen:
        announce(envelope, seen=sight)


def build_handlers(projection: Projection) -> dict[type[DomainEvent], Handler]:
    appliers = projection_handlers(projection)

    def handler_for(apply: Apply | None) -> Handler:
        async def handle(uow: UnitOfWork, event: DomainEvent, envelope: Envelope) -> None:
            if apply is not None:
                await apply(uow, event, envelope)
            # What a viewer sees of it is read now, as this event leaves the demand (a later event
            # of the batch may publish it), and only when something is broadcast (not in a rebuild).
            sight = (await projection.sights(uow, [envelope]))[0] if announcing() else Sight.FULL
            batch = _BATCH.get()
            if batch is not None:
                batch.append((envelope, sight))
            else:
                await remember(projection, uow, [(envelope, sight)])

        return handle

    return {cls: handler_for(appliers.get(cls)) for cls in platform_events()}


def build_batch_scope(projection: Projection) -> BatchScope:
    """A batch of events is one transaction (every handler is safe to repeat and to reorder
    across topics): its events are remembered and announced together at its end."""

    @asynccontextmanager
    async def scope(uow: UnitOfWork) -> AsyncIterator[None]:
        batch: list[tuple[Envelope, Sight]] = []
        token = _BATCH.set(batch)
        try:
            yield
        finally:
            _BATCH.reset(token)
        await remember(projection, uow, batch)

    return scope


def _projection(runtime: ServiceRuntime) -> Projection:
    projection: Projection = runtime.state.setdefault("projection", Projection())
    return projection


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    return build_handlers(_projection(runtime))


def batch_scope(runtime: ServiceRuntime) -> BatchScope:
    return build_batch_scope(_projection(runtime))
