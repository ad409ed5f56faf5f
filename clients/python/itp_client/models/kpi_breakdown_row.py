from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KpiBreakdownRow")


@_attrs_define
class KpiBreakdownRow:
    """
    Attributes:
        completed (int):
        contracted (int):
        contracted_value (str):
        contracts (int):
        intended (None | str): Null when suppressed (see `suppressed`)
        key (None | str): Center, carrier or person id, field code or YYYY-MM; null: not attributed
        label (None | str):
        matched (int):
        paid (str):
        published (int):
        submitted (int):
        suppressed (list[str]): Figures hidden from this caller (dashboard viewers): `intended` when it adds up fewer
            than k confidential budgets, or when it must be hidden so that the total cannot reveal another row
    """

    completed: int
    contracted: int
    contracted_value: str
    contracts: int
    intended: None | str
    key: None | str
    label: None | str
    matched: int
    paid: str
    published: int
    submitted: int
    suppressed: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed = self.completed

        contracted = self.contracted

        contracted_value = self.contracted_value

        contracts = self.contracts

        intended: None | str
        intended = self.intended

        key: None | str
        key = self.key

        label: None | str
        label = self.label

        matched = self.matched

        paid = self.paid

        published = self.published

        submitted = self.submitted

        suppressed = self.suppressed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "completed": completed,
                "contracted": contracted,
                "contracted_value": contracted_value,
                "contracts": contracts,
                "intended": intended,
                "key": key,
                "label": label,
                "matched": matched,
                "paid": paid,
                "published": published,
                "submitted": submitted,
                "suppressed": suppressed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        completed = d.pop("completed")

        contracted = d.pop("contracted")

        contracted_value = d.pop("contracted_value")

        contracts = d.pop("contracts")

        def _parse_intended(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        intended = _parse_intended(d.pop("intended"))

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        def _parse_label(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        label = _parse_label(d.pop("label"))

        matched = d.pop("matched")

        paid = d.pop("paid")

        published = d.pop("published")

        submitted = d.pop("submitted")

        suppressed = cast(list[str], d.pop("suppressed"))

        kpi_breakdown_row = cls(
            completed=completed,
            contracted=contracted,
            contracted_value=contracted_value,
            contracts=contracts,
            intended=intended,
            key=key,
            label=label,
            matched=matched,
            paid=paid,
            published=published,
            submitted=submitted,
            suppressed=suppressed,
        )

        kpi_breakdown_row.additional_properties = d
        return kpi_breakdown_row

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
