"""Events the contracts service consumes from other services."""

from __future__ import annotations

from services.contracts.service import ContractService
from shared.consumer import Handler
from shared.events.base import DomainEvent
from shared.events.demand import DemandClosed, DemandExpired, DemandWithdrawn
from shared.events.envelope import Envelope
from shared.events.matching import MatchAccepted
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    svc: ContractService = runtime.service

    async def on_match_accepted(uow: UnitOfWork, event: DomainEvent, env: Envelope) -> None:
        assert isinstance(event, MatchAccepted)
        uow.dated_by(env)  # the draft is dated when the match was accepted
        await svc.match_accepted(uow, event)

    async def on_demand_ended(uow: UnitOfWork, event: DomainEvent, _env: Envelope) -> None:
        if isinstance(event, DemandWithdrawn):
            await svc.demand_ended(uow, event.demand_id, "withdrawn", event.withdrawn_at)
        elif isinstance(event, DemandExpired):
            await svc.demand_ended(uow, event.demand_id, "expired", event.expired_at)
        elif isinstance(event, DemandClosed):
            await svc.demand_ended(uow, event.demand_id, "closed", event.closed_at)

    return {
        MatchAccepted: on_match_accepted,
        DemandWithdrawn: on_demand_ended,
        DemandExpired: on_demand_ended,
        DemandClosed: on_demand_ended,
    }
