from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KpiTrainees")


@_attrs_define
class KpiTrainees:
    """
    Attributes:
        enrolled (int):
        graduated (int):
        placed (int): Started their placement at the host carrier
        withdrawn (int):
    """

    enrolled: int
    graduated: int
    placed: int
    withdrawn: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enrolled = self.enrolled

        graduated = self.graduated

        placed = self.placed

        withdrawn = self.withdrawn

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enrolled": enrolled,
                "graduated": graduated,
                "placed": placed,
                "withdrawn": withdrawn,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        enrolled = d.pop("enrolled")

        graduated = d.pop("graduated")

        placed = d.pop("placed")

        withdrawn = d.pop("withdrawn")

        kpi_trainees = cls(
            enrolled=enrolled,
            graduated=graduated,
            placed=placed,
            withdrawn=withdrawn,
        )

        kpi_trainees.additional_properties = d
        return kpi_trainees

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
