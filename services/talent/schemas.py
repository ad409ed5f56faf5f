"""Request and response bodies of the talent service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.talent.domain import CarrierKind, CarrierStatus
from shared.validation import Keywords, TechFields, chars


class CarrierCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

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
    version: int
    created_at: datetime
    updated_at: datetime


class CarrierPage(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None
