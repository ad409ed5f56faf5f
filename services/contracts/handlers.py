"""Events the contracts service consumes from other services."""

from __future__ import annotations

from services.contracts.service import ContractService
from shared.consumer import Handler
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.events.matching import MatchAccepted
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    svc: ContractService = runtime.service

    async def on_match_accepted(uow: UnitOfWork, event: DomainEvent, _env: Envelope) -> None:
        assert isinstance(event, MatchAccepted)
        await svc.match_accepted(uow, event)

    return {MatchAccepted: on_match_accepted}
