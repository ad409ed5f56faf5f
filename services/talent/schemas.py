"""Request and response bodies of the talent service, validated at the edge."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from services.talent.domain import (
    CarrierKind,
    CarrierStatus,
    PersonRole,
    PersonStatus,
    TargetType,
    check_language,
    normalize_email,
)
from shared.validation import FieldCode, Keywords, TechFields, chars, check_fields


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- carriers ---------------------------------------------------------------------------


class CarrierCreate(Strict):
    kind: CarrierKind
    name_zh: Annotated[str, chars(2, 100)] | None = None
    name_en: Annotated[str, chars(2, 200)] | None = None
    city: Annotated[str, chars(2, 50)] | None = None
    province: Annotated[str, chars(2, 50)] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "CN"
    fields: TechFields
    capabilities: Annotated[str, chars(10, 5000)]
    equipment: list[Annotated[str, chars(1, 100)]] = Field(default_factory=list, max_length=50)
    keywords: Keywords = Field(default_factory=list)
    capacity: Annotated[int, Field(ge=0, le=1000)] = 5
    status: CarrierStatus = CarrierStatus.ACTIVE

    @model_validator(mode="after")
    def _a_name(self) -> CarrierCreate:
        if not (self.name_zh or self.name_en):
            raise ValueError("give name_zh, name_en or both")
        return self


class CarrierOut(BaseModel):
    id: UUID
    kind: str
    name_zh: str | None
    name_en: str | None
    city: str | None
    province: str | None
    country: str
    fields: list[str]
    capabilities: str
    equipment: list[str]
    keywords: list[str]
    capacity: int
    status: str
    active_load: int = Field(description="Demands and contracts the carrier is engaged on now")
    completed_contracts: int
    contract_value: Decimal = Field(description="Total value of its completed contracts (CNY)")
    matches_accepted: int
    version: int
    created_at: datetime
    updated_at: datetime


class CarrierPage(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None


# --- people -----------------------------------------------------------------------------


def _dedupe(v: list[Any]) -> list[Any]:
    return list(dict.fromkeys(v))


def _languages(v: list[str]) -> list[str]:
    return _dedupe([check_language(c) for c in v])


# Expertise fields: the same controlled vocabulary as demands and carriers; a student may have none yet.
ExpertiseFields = Annotated[list[FieldCode], Field(max_length=8), AfterValidator(check_fields)]
Languages = Annotated[list[str], Field(max_length=10), AfterValidator(_languages)]
Roles = Annotated[list[PersonRole], Field(min_length=1, max_length=6), AfterValidator(_dedupe)]


class PersonContact(Strict):
    """Personal contact data: shown only to operators, admins and the person's own carrier."""

    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)] | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9][0-9\- ]{5,24}$")] | None = None
    wechat: Annotated[str, chars(2, 100)] | None = None

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str | None) -> str | None:
        return normalize_email(v)


class PersonCreate(Strict):
    name: Annotated[str, chars(2, 100)] = Field(description="Name as the person writes it, Chinese or English")
    name_en: Annotated[str, chars(2, 200)] | None = Field(default=None, description="Name in Latin script")
    title: Annotated[str, chars(1, 50)] | None = Field(default=None, description="e.g. 研究员, 教授, Professor")
    roles: Roles
    carrier_id: UUID | None = None
    university: Annotated[str, chars(2, 100)] | None = None
    fields: ExpertiseFields = Field(default_factory=list)
    keywords: Keywords = Field(default_factory=list)
    languages: Languages = Field(default_factory=lambda: ["zh"])
    capacity: Annotated[int, Field(ge=0, le=50, description="Maximum concurrent assignments")] = 3
    contact: PersonContact = Field(default_factory=PersonContact)
    status: PersonStatus = PersonStatus.ACTIVE

    @model_validator(mode="after")
    def _an_affiliation(self) -> PersonCreate:
        if self.carrier_id is None and not self.university:
            raise ValueError("give an affiliation: carrier_id, university or both")
        return self


PERSON_EDITABLE = frozenset(PersonCreate.model_fields)


class PersonOut(BaseModel):
    id: UUID
    name: str
    name_en: str | None
    title: str | None
    roles: list[str]
    carrier_id: UUID | None
    university: str | None
    fields: list[str]
    keywords: list[str]
    languages: list[str]
    capacity: int
    status: str
    contact: PersonContact | None = Field(
        default=None, description="Only for operators, admins and users of the person's own carrier"
    )
    active_load: int
    completed_contracts: int
    contract_value: Decimal
    version: int
    created_at: datetime
    updated_at: datetime


class PersonPage(BaseModel):
    items: list[PersonOut]
    next_cursor: str | None


# --- joint training ---------------------------------------------------------------------


class TraineeCreate(Strict):
    person_id: UUID
    programme: Literal["graduate_student", "postdoc"] | None = Field(
        default=None, description="Defaults to the trainee role the person holds"
    )
    university: Annotated[str, chars(2, 100)]
    carrier_id: UUID
    supervisor_id: UUID | None = None
    starts_on: date
    ends_on: date


class TraineeOut(BaseModel):
    id: UUID
    person_id: UUID
    programme: str
    university: str
    carrier_id: UUID
    supervisor_id: UUID | None
    starts_on: date
    ends_on: date
    status: str
    status_reason: str | None
    allowed_actions: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


class TraineePage(BaseModel):
    items: list[TraineeOut]
    next_cursor: str | None


class ReasonBody(Strict):
    reason: Annotated[str, chars(2, 200)] | None = None


# --- assignments ------------------------------------------------------------------------


class AssignmentCreate(Strict):
    """A project manager to a demand or a contract, a researcher to a contract with a role, or
    a carrier to a demand or a contract."""

    target_type: TargetType
    target_id: UUID
    person_id: UUID | None = None
    carrier_id: UUID | None = None
    role: Annotated[str, chars(2, 50, pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="project_manager, or the researcher's role on the contract (principal_investigator, engineer...)"
    )

    @model_validator(mode="after")
    def _one_subject(self) -> AssignmentCreate:
        if (self.person_id is None) == (self.carrier_id is None):
            raise ValueError("assign either a person (person_id) or a carrier (carrier_id)")
        return self


class AssignmentOut(BaseModel):
    id: UUID
    person_id: UUID | None
    carrier_id: UUID | None
    target_type: str
    target_id: UUID
    role: str
    status: str
    source: str
    made_by: str | None
    made_at: datetime
    released_at: datetime | None
    release_reason: str | None
    version: int


class AssignmentPage(BaseModel):
    items: list[AssignmentOut]
    next_cursor: str | None


# --- bulk onboarding --------------------------------------------------------------------


class RowProblem(BaseModel):
    line: int
    record: str | None
    key: str | None
    reason: str
    errors: list[dict[str, str]] = Field(default_factory=list)


class ImportCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportReport(BaseModel):
    rows: int
    carriers: ImportCounts
    people: ImportCounts
    rejected: int
    problems: list[RowProblem]
