from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="KpiMoney")


@_attrs_define
class KpiMoney:
    """
    Attributes:
        contracted (str): Sum of the values of the signed contracts (latest version)
        intended (None | str): Sum of the budgets of the submitted demands; null when suppressed (see `suppressed`)
        paid (str): Sum of the recorded payments
        suppressed (list[str]): Figures hidden from this caller because they would reveal confidential budgets:
            `intended` while fewer than k confidential budgets exist in all
        currency (str | Unset):  Default: 'CNY'.
    """

    contracted: str
    intended: None | str
    paid: str
    suppressed: list[str]
    currency: str | Unset = "CNY"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contracted = self.contracted

        intended: None | str
        intended = self.intended

        paid = self.paid

        suppressed = self.suppressed

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contracted": contracted,
                "intended": intended,
                "paid": paid,
                "suppressed": suppressed,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        contracted = d.pop("contracted")

        def _parse_intended(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        intended = _parse_intended(d.pop("intended"))

        paid = d.pop("paid")

        suppressed = cast(list[str], d.pop("suppressed"))

        currency = d.pop("currency", UNSET)

        kpi_money = cls(
            contracted=contracted,
            intended=intended,
            paid=paid,
            suppressed=suppressed,
            currency=currency,
        )

        kpi_money.additional_properties = d
        return kpi_money

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
