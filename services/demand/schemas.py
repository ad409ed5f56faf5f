"""Request and response bodies of the demand service, validated at the edge."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator, model_validator

from services.demand.domain import Confidentiality, DemandType, credit_code_problem
from shared import visibility
from shared.validation import Keywords, Money, TechFields, chars


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Contact(Strict):
    name: Annotated[str, chars(1, 50)]
    phone: Annotated[str | None, Field(pattern=r"^\+?[0-9][0-9\- ]{5,19}$")] = None
    email: Annotated[str | None, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)] = None


class EnterpriseCreate(Strict):
    name_zh: Annotated[str, chars(2, 100)] | None = None
    name_en: Annotated[str, chars(2, 200)] | None = None
    credit_code: str = Field(description="Unified social credit code (GB 32100-2015), 18 characters")
    province: Annotated[str, chars(2, 20)]
    city: Annotated[str, chars(2, 30)]
    industry_code: str = Field(
        pattern=r"^[A-T][0-9]{2}([0-9]{1,2})?$",
        description="National industry classification (GB/T 4754): section letter + division, e.g. C38",
    )
    size: Literal["micro", "small", "medium", "large"]
    contacts: list[Contact] = Field(min_length=1, max_length=10)

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, v: str) -> str:
        v = v.strip().upper()
        problem = credit_code_problem(v)
        if problem:
            raise ValueError(f"not a valid unified social credit code: {problem}")
        return v

    @model_validator(mode="after")
    def _a_name(self) -> EnterpriseCreate:
        if not (self.name_zh or self.name_en):
            raise ValueError("give name_zh, name_en or both")
        return self


class EnterpriseOut(BaseModel):
    id: UUID
    name_zh: str | None
    name_en: str | None
    credit_code: str
    province: str
    city: str
    industry_code: str
    size: str
    contacts: list[dict[str, Any]]
    version: int
    created_at: datetime


class CenterCreate(Strict):
    name: Annotated[str, chars(2, 100)]
    established_on: date
    committed_funding: Money
    status: Literal["active", "suspended", "closed"] = "active"


class CenterOut(BaseModel):
    id: UUID
    enterprise_id: UUID
    name: str
    established_on: date
    committed_funding: Decimal
    status: str
    created_at: datetime


class DemandCreate(Strict):
    enterprise_id: UUID
    title: Annotated[str, chars(4, 100)]
    description: Annotated[str, chars(20, 5000)]
    fields: TechFields
    keywords: Keywords = []
    demand_type: DemandType
    expected_outcome: Annotated[str, chars(2, 1000)]
    trl_current: Annotated[int, Field(ge=1, le=9)] | None = None
    trl_target: Annotated[int, Field(ge=1, le=9)] | None = None
    budget: Money | None = None
    deadline: datetime | None = None
    province: Annotated[str, chars(2, 20)] | None = None
    city: Annotated[str, chars(2, 30)] | None = None
    center_id: UUID | None = None
    contact: Contact
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    submit: bool = Field(default=True, description="false keeps it as a draft")

    @field_validator("deadline")
    @classmethod
    def _future(cls, v: datetime | None, info: ValidationInfo) -> datetime | None:
        if v is None:
            return v
        if v.tzinfo is None:
            raise ValueError("must carry a time zone offset, e.g. 2027-06-30T00:00:00+08:00")
        v = v.astimezone(UTC)
        # Only the history import validates with another "now" (the demand's original time),
        # so a deadline that has passed since is accepted there and nowhere else.
        now = (info.context or {}).get("now") or datetime.now(UTC)
        if v <= now:
            raise ValueError("must be in the future" if info.context is None else "must be after the demand was made")
        return v

    @field_validator("trl_target")
    @classmethod
    def _trl(cls, v: int | None, info: ValidationInfo) -> int | None:
        current = info.data.get("trl_current")
        if v is not None and current is not None and v <= current:
            raise ValueError("trl_target must be above trl_current")
        return v


class DemandOut(BaseModel):
    id: UUID
    enterprise_id: UUID
    center_id: UUID | None
    title: str
    description: str
    fields: list[str]
    keywords: list[str]
    demand_type: str
    expected_outcome: str
    trl_current: int | None
    trl_target: int | None
    budget: Decimal | None
    deadline: datetime | None
    province: str | None
    city: str | None
    contact: dict[str, Any]
    confidentiality: str
    status: str
    status_reason: str | None
    allowed_actions: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


def _teaser_model() -> type[BaseModel]:
    """What a caller without access sees of a confidential demand: the values ``shared.visibility``
    classes as the teaser's, typed as in ``DemandOut`` (``budget_band`` stands in for the budget)."""
    shown: dict[str, Any] = {"budget_band": str | None}
    for name, info in DemandOut.model_fields.items():
        if visibility.field_class(name) is visibility.FieldClass.TEASER:
            shown[name] = info.annotation
    fields: dict[str, Any] = {name: (kind, ...) for name, kind in shown.items()}
    fields["teaser"] = (Literal[True], ...)
    model: type[BaseModel] = create_model("DemandTeaser", __doc__=_teaser_model.__doc__, **fields)
    return model


DemandTeaser = _teaser_model()


class DemandPage(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None


class TransitionBody(Strict):
    reason: Annotated[str, chars(2, 1000)] | None = None


class EnterprisePage(BaseModel):
    items: list[EnterpriseOut]
    next_cursor: str | None = None


class CenterPage(BaseModel):
    items: list[CenterOut]
    next_cursor: str | None = None


class AccessGrantOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    demand_id: UUID | None = None
    carrier_id: UUID


class AccessGrantList(BaseModel):
    items: list[AccessGrantOut]
