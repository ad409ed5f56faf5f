from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccessGrantOut")


@_attrs_define
class AccessGrantOut:
    """
    Attributes:
        carrier_id (UUID):
        demand_id (None | Unset | UUID):
    """

    carrier_id: UUID
    demand_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_id = str(self.carrier_id)

        demand_id: None | str | Unset
        if isinstance(self.demand_id, Unset):
            demand_id = UNSET
        elif isinstance(self.demand_id, UUID):
            demand_id = str(self.demand_id)
        else:
            demand_id = self.demand_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_id": carrier_id,
            }
        )
        if demand_id is not UNSET:
            field_dict["demand_id"] = demand_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        carrier_id = UUID(d.pop("carrier_id"))

        def _parse_demand_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                demand_id_type_0 = UUID(data)

                return demand_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        demand_id = _parse_demand_id(d.pop("demand_id", UNSET))

        access_grant_out = cls(
            carrier_id=carrier_id,
            demand_id=demand_id,
        )

        access_grant_out.additional_properties = d
        return access_grant_out

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
