"""Events the demand service consumes: matches and contracts move demands along their lifecycle,
dated when they happened."""

from __future__ import annotations

from typing import Any

from services.demand.service import DemandService
from shared.consumer import Handler
from shared.events import contracts as contracts_ev
from shared.events import matching as matching_ev
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    svc: DemandService = runtime.service

    async def match_accepted(uow: UnitOfWork, event: Any, env: Envelope) -> None:
        uow.dated_by(env)
        await svc.on_match_accepted(uow, event)

    async def contract_signed(uow: UnitOfWork, event: Any, env: Envelope) -> None:
        uow.dated_by(env)
        await svc.on_contract_signed(uow, event)

    async def contract_completed(uow: UnitOfWork, event: Any, env: Envelope) -> None:
        uow.dated_by(env)
        await svc.on_contract_completed(uow, event)

    return {
        matching_ev.MatchAccepted: match_accepted,
        contracts_ev.ContractSigned: contract_signed,
        contracts_ev.ContractCompleted: contract_completed,
    }
