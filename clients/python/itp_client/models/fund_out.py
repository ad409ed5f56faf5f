from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FundOut")


@_attrs_define
class FundOut:
    """
    Attributes:
        available (str): Committed capital not yet invested
        committed_capital (str):
        created_at (datetime.datetime):
        currency (Literal['CNY']):
        established_on (datetime.date):
        id (UUID):
        institute_commitment (str):
        institute_stake_percent (str):
        invested_total (str):
        investments (int):
        manager (str):
        name (str):
        social_capital (str): Social capital the institute's commitment leveraged
        version (int):
    """

    available: str
    committed_capital: str
    created_at: datetime.datetime
    currency: Literal["CNY"]
    established_on: datetime.date
    id: UUID
    institute_commitment: str
    institute_stake_percent: str
    invested_total: str
    investments: int
    manager: str
    name: str
    social_capital: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        committed_capital = self.committed_capital

        created_at = self.created_at.isoformat()

        currency = self.currency

        established_on = self.established_on.isoformat()

        id = str(self.id)

        institute_commitment = self.institute_commitment

        institute_stake_percent = self.institute_stake_percent

        invested_total = self.invested_total

        investments = self.investments

        manager = self.manager

        name = self.name

        social_capital = self.social_capital

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "available": available,
                "committed_capital": committed_capital,
                "created_at": created_at,
                "currency": currency,
                "established_on": established_on,
                "id": id,
                "institute_commitment": institute_commitment,
                "institute_stake_percent": institute_stake_percent,
                "invested_total": invested_total,
                "investments": investments,
                "manager": manager,
                "name": name,
                "social_capital": social_capital,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        available = d.pop("available")

        committed_capital = d.pop("committed_capital")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        currency = cast(Literal["CNY"], d.pop("currency"))
        if currency != "CNY":
            raise ValueError(f"currency must match const 'CNY', got '{currency}'")

        established_on = datetime.date.fromisoformat(d.pop("established_on"))

        id = UUID(d.pop("id"))

        institute_commitment = d.pop("institute_commitment")

        institute_stake_percent = d.pop("institute_stake_percent")

        invested_total = d.pop("invested_total")

        investments = d.pop("investments")

        manager = d.pop("manager")

        name = d.pop("name")

        social_capital = d.pop("social_capital")

        version = d.pop("version")

        fund_out = cls(
            available=available,
            committed_capital=committed_capital,
            created_at=created_at,
            currency=currency,
            established_on=established_on,
            id=id,
            institute_commitment=institute_commitment,
            institute_stake_percent=institute_stake_percent,
            invested_total=invested_total,
            investments=investments,
            manager=manager,
            name=name,
            social_capital=social_capital,
            version=version,
        )

        fund_out.additional_properties = d
        return fund_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
