"""Events published by the talent service (the supply side: R&D carriers and people)."""

from __future__ import annotations

from datetime import date, datetime
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
    name_en: str | None = None  # the English name, when ``name`` is another one (added, optional)
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
    name_en: str | None = None  # the English name, when ``name`` is another one (added, optional)
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


class _TalentEvent(DomainEvent):
    TOPIC: ClassVar[str] = topics.TALENT


class PersonRegistered(_TalentEvent):
    """A person joined. Personal contact data never travels on the bus."""

    TYPE: ClassVar[str] = "PersonRegistered"
    AGGREGATE: ClassVar[str] = "person"
    KEY: ClassVar[str] = "person_id"

    person_id: UUID
    name: str
    name_en: str | None = None  # the name in Latin script, when given (added, optional)
    roles: list[str]
    carrier_id: UUID | None = None
    university: str | None = None
    fields: list[str]
    keywords: list[str]
    languages: list[str]
    capacity: int
    registered_at: datetime


class PersonProfileUpdated(_TalentEvent):
    TYPE: ClassVar[str] = "PersonProfileUpdated"
    AGGREGATE: ClassVar[str] = "person"
    KEY: ClassVar[str] = "person_id"

    person_id: UUID
    name: str
    name_en: str | None = None  # the name in Latin script, when given (added, optional)
    roles: list[str]
    carrier_id: UUID | None = None
    university: str | None = None
    fields: list[str]
    keywords: list[str]
    languages: list[str]
    capacity: int
    status: str = "active"
    version: int
    updated_at: datetime


class TraineeEnrolled(_TalentEvent):
    """A graduate student or postdoc enrolled in joint training."""

    TYPE: ClassVar[str] = "TraineeEnrolled"
    AGGREGATE: ClassVar[str] = "trainee"
    KEY: ClassVar[str] = "trainee_id"

    trainee_id: UUID
    person_id: UUID
    university: str
    carrier_id: UUID
    supervisor_id: UUID | None = None
    starts_on: date
    ends_on: date
    enrolled_at: datetime


class _TraineeMoved(_TalentEvent):
    AGGREGATE: ClassVar[str] = "trainee"
    KEY: ClassVar[str] = "trainee_id"

    trainee_id: UUID
    person_id: UUID
    carrier_id: UUID
    at: datetime


class TraineePlacementStarted(_TraineeMoved):
    """A trainee started the placement at the host carrier."""

    TYPE: ClassVar[str] = "TraineePlacementStarted"


class TraineeGraduated(_TraineeMoved):
    """A trainee completed the joint training."""

    TYPE: ClassVar[str] = "TraineeGraduated"


class TraineeWithdrawn(_TraineeMoved):
    """A trainee left the joint training (the reason, free text about a person, stays in talent)."""

    TYPE: ClassVar[str] = "TraineeWithdrawn"


class AssignmentMade(_TalentEvent):
    """A project manager to a demand or contract, or a researcher to a contract with a role."""

    TYPE: ClassVar[str] = "AssignmentMade"
    AGGREGATE: ClassVar[str] = "assignment"
    KEY: ClassVar[str] = "assignment_id"

    assignment_id: UUID
    person_id: UUID | None = None
    carrier_id: UUID | None = None
    target_type: str  # "demand" or "contract"
    target_id: UUID
    role: str
    made_at: datetime


class AssignmentReleased(_TalentEvent):
    TYPE: ClassVar[str] = "AssignmentReleased"
    AGGREGATE: ClassVar[str] = "assignment"
    KEY: ClassVar[str] = "assignment_id"

    assignment_id: UUID
    person_id: UUID | None = None
    carrier_id: UUID | None = None
    target_type: str
    target_id: UUID
    reason: str
    released_at: datetime


class CapacityChanged(_TalentEvent):
    """A carrier's or person's capacity or active load changed."""

    TYPE: ClassVar[str] = "CapacityChanged"
    AGGREGATE: ClassVar[str] = "capacity"
    KEY: ClassVar[str] = "subject_id"

    subject_type: str  # "carrier" or "person"
    subject_id: UUID
    capacity: int
    active_load: int
    changed_at: datetime
