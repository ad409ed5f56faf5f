from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KpiFundYear")


@_attrs_define
class KpiFundYear:
    """
    Attributes:
        committed_capital (str):
        funds (int): Funds established that year
        institute_commitment (str):
        invested (str):
        investments (int): Investments made that year (by any fund)
        social_capital (str):
        year (str): YYYY, the institute's calendar
    """

    committed_capital: str
    funds: int
    institute_commitment: str
    invested: str
    investments: int
    social_capital: str
    year: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        committed_capital = self.committed_capital

        funds = self.funds

        institute_commitment = self.institute_commitment

        invested = self.invested

        investments = self.investments

        social_capital = self.social_capital

        year = self.year

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "committed_capital": committed_capital,
                "funds": funds,
                "institute_commitment": institute_commitment,
                "invested": invested,
                "investments": investments,
                "social_capital": social_capital,
                "year": year,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        committed_capital = d.pop("committed_capital")

        funds = d.pop("funds")

        institute_commitment = d.pop("institute_commitment")

        invested = d.pop("invested")

        investments = d.pop("investments")

        social_capital = d.pop("social_capital")

        year = d.pop("year")

        kpi_fund_year = cls(
            committed_capital=committed_capital,
            funds=funds,
            institute_commitment=institute_commitment,
            invested=invested,
            investments=investments,
            social_capital=social_capital,
            year=year,
        )

        kpi_fund_year.additional_properties = d
        return kpi_fund_year

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
