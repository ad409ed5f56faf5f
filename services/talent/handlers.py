"""Events the talent service consumes to keep carriers' and people's track record current:
contracts signed, completed and terminated, and matches accepted. Each runs inside the
idempotent consumer's transaction, so a redelivered event changes nothing."""

from __future__ import annotations

from typing import Any

from services.talent.service import TalentService
from shared.consumer import Handler
from shared.events import contracts as contract_ev
from shared.events import matching as matching_ev
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork
from shared.runtime import ServiceRuntime


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    svc: TalentService = runtime.service

    async def on_signed(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.contract_signed(uow, event)

    async def on_completed(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.contract_completed(uow, event)

    async def on_terminated(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.contract_terminated(uow, event)

    async def on_match_accepted(uow: UnitOfWork, event: Any, _env: Envelope) -> None:
        await svc.match_accepted(uow, event)

    return {
        contract_ev.ContractSigned: on_signed,
        contract_ev.ContractCompleted: on_completed,
        contract_ev.ContractTerminated: on_terminated,
        matching_ev.MatchAccepted: on_match_accepted,
    }
