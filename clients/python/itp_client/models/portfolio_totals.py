from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PortfolioTotals")


@_attrs_define
class PortfolioTotals:
    """
    Attributes:
        committed_capital (str):
        converted_grant_amount (str):
        converted_grants (int):
        currency (Literal['CNY']):
        fund_investments (int):
        funds (int):
        institute_commitment (str):
        invested_total (str):
        leverage_ratio (None | str): Social capital per yuan the institute committed
        social_capital_leveraged (str):
    """

    committed_capital: str
    converted_grant_amount: str
    converted_grants: int
    currency: Literal["CNY"]
    fund_investments: int
    funds: int
    institute_commitment: str
    invested_total: str
    leverage_ratio: None | str
    social_capital_leveraged: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        committed_capital = self.committed_capital

        converted_grant_amount = self.converted_grant_amount

        converted_grants = self.converted_grants

        currency = self.currency

        fund_investments = self.fund_investments

        funds = self.funds

        institute_commitment = self.institute_commitment

        invested_total = self.invested_total

        leverage_ratio: None | str
        leverage_ratio = self.leverage_ratio

        social_capital_leveraged = self.social_capital_leveraged

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "committed_capital": committed_capital,
                "converted_grant_amount": converted_grant_amount,
                "converted_grants": converted_grants,
                "currency": currency,
                "fund_investments": fund_investments,
                "funds": funds,
                "institute_commitment": institute_commitment,
                "invested_total": invested_total,
                "leverage_ratio": leverage_ratio,
                "social_capital_leveraged": social_capital_leveraged,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        committed_capital = d.pop("committed_capital")

        converted_grant_amount = d.pop("converted_grant_amount")

        converted_grants = d.pop("converted_grants")

        currency = cast(Literal["CNY"], d.pop("currency"))
        if currency != "CNY":
            raise ValueError(f"currency must match const 'CNY', got '{currency}'")

        fund_investments = d.pop("fund_investments")

        funds = d.pop("funds")

        institute_commitment = d.pop("institute_commitment")

        invested_total = d.pop("invested_total")

        def _parse_leverage_ratio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        leverage_ratio = _parse_leverage_ratio(d.pop("leverage_ratio"))

        social_capital_leveraged = d.pop("social_capital_leveraged")

        portfolio_totals = cls(
            committed_capital=committed_capital,
            converted_grant_amount=converted_grant_amount,
            converted_grants=converted_grants,
            currency=currency,
            fund_investments=fund_investments,
            funds=funds,
            institute_commitment=institute_commitment,
            invested_total=invested_total,
            leverage_ratio=leverage_ratio,
            social_capital_leveraged=social_capital_leveraged,
        )

        portfolio_totals.additional_properties = d
        return portfolio_totals

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
