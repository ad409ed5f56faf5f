"""Events published by the talent service (the supply side: R&D carriers and people)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from shared.events import topics
from shared.events.base import DomainEvent


class CarrierRegistered(DomainEvent):
    """An R&D carrier joined the platform with its capability profile."""

    TYPE: ClassVar[str] = "CarrierRegistered"
    TOPIC: ClassVar[str] = topics.TALENT
    AGGREGATE: ClassVar[str] = "carrier"
    KEY: ClassVar[str] = "carrier_id"

    carrier_id: UUID
    kind: str
    name: str
    city: str | None = None
    province: str | None = None
    country: str = "CN"
    fields: list[str]
    capabilities: str
    keywords: list[str]
    capacity: int
    registered_at: datetime


class CarrierProfileUpdated(DomainEvent):
    """A carrier's profile changed; the event carries the whole new profile."""

    TYPE: ClassVar[str] = "CarrierProfileUpdated"
    TOPIC: ClassVar[str] = topics.TALENT
    AGGREGATE: ClassVar[str] = "carrier"
    KEY: ClassVar[str] = "carrier_id"

    carrier_id: UUID
    kind: str
    name: str
    city: str | None = None
    province: str | None = None
    country: str = "CN"
    fields: list[str]
    capabilities: str
    keywords: list[str]
    capacity: int
    status: str = "active"
    version: int
    updated_at: datetime
