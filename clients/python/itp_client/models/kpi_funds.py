from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="KpiFunds")


@_attrs_define
class KpiFunds:
    """
    Attributes:
        committed_capital (str):
        funds (int): Venture funds the institute backs, established in the period
        institute_commitment (str): The institute's own commitments (its stake, 5-20 % each)
        invested (str):
        investments (int): Investments the funds made in companies in the period
        leverage_ratio (None | str): Social capital per yuan of the institute's; null: no funds
        social_capital_leveraged (str): Committed capital beyond the institute's own
        currency (str | Unset):  Default: 'CNY'.
    """

    committed_capital: str
    funds: int
    institute_commitment: str
    invested: str
    investments: int
    leverage_ratio: None | str
    social_capital_leveraged: str
    currency: str | Unset = "CNY"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        committed_capital = self.committed_capital

        funds = self.funds

        institute_commitment = self.institute_commitment

        invested = self.invested

        investments = self.investments

        leverage_ratio: None | str
        leverage_ratio = self.leverage_ratio

        social_capital_leveraged = self.social_capital_leveraged

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "committed_capital": committed_capital,
                "funds": funds,
                "institute_commitment": institute_commitment,
                "invested": invested,
                "investments": investments,
                "leverage_ratio": leverage_ratio,
                "social_capital_leveraged": social_capital_leveraged,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        committed_capital = d.pop("committed_capital")

        funds = d.pop("funds")

        institute_commitment = d.pop("institute_commitment")

        invested = d.pop("invested")

        investments = d.pop("investments")

        def _parse_leverage_ratio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        leverage_ratio = _parse_leverage_ratio(d.pop("leverage_ratio"))

        social_capital_leveraged = d.pop("social_capital_leveraged")

        currency = d.pop("currency", UNSET)

        kpi_funds = cls(
            committed_capital=committed_capital,
            funds=funds,
            institute_commitment=institute_commitment,
            invested=invested,
            investments=investments,
            leverage_ratio=leverage_ratio,
            social_capital_leveraged=social_capital_leveraged,
            currency=currency,
        )

        kpi_funds.additional_properties = d
        return kpi_funds

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
