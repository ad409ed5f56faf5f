from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TotalsItem")


@_attrs_define
class TotalsItem:
    """
    Attributes:
        cancelled (str): unpaid value of terminated contracts
        contracts (int):
        key (None | str): carrier, center or project manager id, or YYYY-MM; null: none set
        outstanding (str): still to be paid under contracts not terminated
        paid (str):
        value_signed (str):
        paid_in_month (None | str | Unset): by=month: payments dated in that month
    """

    cancelled: str
    contracts: int
    key: None | str
    outstanding: str
    paid: str
    value_signed: str
    paid_in_month: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cancelled = self.cancelled

        contracts = self.contracts

        key: None | str
        key = self.key

        outstanding = self.outstanding

        paid = self.paid

        value_signed = self.value_signed

        paid_in_month: None | str | Unset
        if isinstance(self.paid_in_month, Unset):
            paid_in_month = UNSET
        else:
            paid_in_month = self.paid_in_month

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cancelled": cancelled,
                "contracts": contracts,
                "key": key,
                "outstanding": outstanding,
                "paid": paid,
                "value_signed": value_signed,
            }
        )
        if paid_in_month is not UNSET:
            field_dict["paid_in_month"] = paid_in_month

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        cancelled = d.pop("cancelled")

        contracts = d.pop("contracts")

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        outstanding = d.pop("outstanding")

        paid = d.pop("paid")

        value_signed = d.pop("value_signed")

        def _parse_paid_in_month(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        paid_in_month = _parse_paid_in_month(d.pop("paid_in_month", UNSET))

        totals_item = cls(
            cancelled=cancelled,
            contracts=contracts,
            key=key,
            outstanding=outstanding,
            paid=paid,
            value_signed=value_signed,
            paid_in_month=paid_in_month,
        )

        totals_item.additional_properties = d
        return totals_item

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
