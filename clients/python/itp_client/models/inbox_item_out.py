from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InboxItemOut")


@_attrs_define
class InboxItemOut:
    """
    Attributes:
        demand_id (UUID):
        teaser (bool | None | Unset):
    """

    demand_id: UUID
    teaser: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        demand_id = str(self.demand_id)

        teaser: bool | None | Unset
        if isinstance(self.teaser, Unset):
            teaser = UNSET
        else:
            teaser = self.teaser

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "demand_id": demand_id,
            }
        )
        if teaser is not UNSET:
            field_dict["teaser"] = teaser

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        demand_id = UUID(d.pop("demand_id"))

        def _parse_teaser(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        teaser = _parse_teaser(d.pop("teaser", UNSET))

        inbox_item_out = cls(
            demand_id=demand_id,
            teaser=teaser,
        )

        inbox_item_out.additional_properties = d
        return inbox_item_out

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
