"""Events the matching service consumes to build its own read model and react to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from services.matching.service import MatchingService
from shared.consumer import BatchScope, Handler
from shared.events import contracts as contract_ev
from shared.events import demand as demand_ev
from shared.events import talent as talent_ev
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime

# The events that open a demand for matching.
OPENING = (demand_ev.DemandSubmitted, demand_ev.DemandPublished)

# A demand's later lifecycle events only move its status in matching's read model.
DEMAND_STATUS: dict[type[DomainEvent], str] = {
    demand_ev.DemandWithdrawn: "withdrawn",
    demand_ev.DemandRejected: "rejected",
    demand_ev.DemandExpired: "expired",
    demand_ev.DemandMatched: "matched",
    demand_ev.DemandNegotiationStarted: "in_negotiation",
    demand_ev.DemandContracted: "contracted",
    demand_ev.DemandClosed: "closed",
}


async def on_start(runtime: ServiceRuntime) -> None:
    """Build the in-memory index from the read model before the consumers start."""
    await runtime.service.start()


def batch_scope(runtime: ServiceRuntime) -> BatchScope:
    """A batch of events is one transaction: the demands they affect are ranked again and their
    stored views rendered once, at its end."""
    return scope_for(runtime.service)


def scope_for(svc: MatchingService) -> BatchScope:
    @asynccontextmanager
    async def scope(uow: UnitOfWork, events: Sequence[DomainEvent]) -> AsyncIterator[None]:
        async with svc.deferring(uow, rematch=True):
            await svc.opening(uow, [e.demand_id for e in events if isinstance(e, OPENING)])
            yield
            await svc.write_batched(uow)

    return scope


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    return handlers_for(runtime.service)


def handlers_for(svc: MatchingService) -> dict[type[DomainEvent], Handler]:

    async def on_carrier(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.carrier_changed(uow, event)

    async def on_person(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.person_changed(uow, event)

    async def on_capacity(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.capacity_changed(uow, event)

    async def on_demand_open(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.demand_open(uow, event)

    async def on_demand_updated(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.demand_updated(uow, event)

    async def on_demand_status(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.demand_status(uow, event.demand_id, DEMAND_STATUS[type(event)])

    async def on_contract(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.contract_changed(uow, event)

    async def on_access_granted(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.access_granted(uow, event)

    async def on_access_revoked(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.access_revoked(uow, event)

    table: dict[type[DomainEvent], Handler] = {
        talent_ev.CarrierRegistered: on_carrier,
        talent_ev.CarrierProfileUpdated: on_carrier,
        talent_ev.PersonRegistered: on_person,
        talent_ev.PersonProfileUpdated: on_person,
        talent_ev.CapacityChanged: on_capacity,
        demand_ev.DemandSubmitted: on_demand_open,
        demand_ev.DemandPublished: on_demand_open,
        demand_ev.DemandUpdated: on_demand_updated,
        demand_ev.DemandAccessGranted: on_access_granted,
        demand_ev.DemandAccessRevoked: on_access_revoked,
        contract_ev.ContractSigned: on_contract,
        contract_ev.ContractCompleted: on_contract,
        contract_ev.ContractTerminated: on_contract,
    }
    table.update(dict.fromkeys(DEMAND_STATUS, on_demand_status))
    # What a rebuild's batch defers to its end (``ReadModel.write_batched``) needs no writing first.
    batched = {on_demand_open, on_demand_status, on_contract}
    return {kind: _after(svc, h, flush=h not in batched) for kind, h in table.items()}


def _after(svc: MatchingService, handler: Handler, *, flush: bool) -> Handler:
    """The handler, once the requests in flight are served (``RequestsFirst``) and, if ``flush``,
    once what a rebuild's batch deferred before it is written."""

    async def handle(uow: UnitOfWork, event: Any, env: Envelope) -> None:
        await svc.requests.wait()
        if flush:
            await svc.write_batched(uow)
        await handler(uow, event, env)

    return handle
