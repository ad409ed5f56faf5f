"""Events the demand service consumes from other services."""

from __future__ import annotations

from shared.consumer import Handler
from shared.events.base import DomainEvent
from shared.runtime import ServiceRuntime


def handlers(runtime: ServiceRuntime) -> dict[type[DomainEvent], Handler]:
    # MatchAccepted, ContractSigned and ContractCompleted move a demand along its
    # lifecycle; they are wired here as the matching and contracts services declare them.
    return {}
