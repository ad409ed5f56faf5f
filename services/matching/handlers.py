"""Events the matching service consumes to build its own read model."""

from __future__ import annotations

from typing import Any

from services.matching.service import MatchingService
from shared.consumer import Handler
from shared.events import demand as demand_ev
from shared.events import talent as talent_ev
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime


def service_of(runtime: ServiceRuntime) -> MatchingService:
    svc: MatchingService | None = runtime.state.get("service")
    if svc is None:
        svc = runtime.state["service"] = MatchingService(runtime.uow)
    return svc


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    svc = service_of(runtime)

    async def on_carrier(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.carrier_changed(uow, event)

    async def on_demand(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.demand_open(uow, event)

    return {
        talent_ev.CarrierRegistered: on_carrier,
        talent_ev.CarrierProfileUpdated: on_carrier,
        demand_ev.DemandSubmitted: on_demand,
        demand_ev.DemandPublished: on_demand,
    }
