from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KpiFunnel")


@_attrs_define
class KpiFunnel:
    """
    Attributes:
        completed (int): Demands closed after their contract completed
        contracted (int):
        expired (int):
        matched (int):
        published (int):
        rejected (int):
        submitted (int): Demands submitted
        withdrawn (int):
    """

    completed: int
    contracted: int
    expired: int
    matched: int
    published: int
    rejected: int
    submitted: int
    withdrawn: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed = self.completed

        contracted = self.contracted

        expired = self.expired

        matched = self.matched

        published = self.published

        rejected = self.rejected

        submitted = self.submitted

        withdrawn = self.withdrawn

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "completed": completed,
                "contracted": contracted,
                "expired": expired,
                "matched": matched,
                "published": published,
                "rejected": rejected,
                "submitted": submitted,
                "withdrawn": withdrawn,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        completed = d.pop("completed")

        contracted = d.pop("contracted")

        expired = d.pop("expired")

        matched = d.pop("matched")

        published = d.pop("published")

        rejected = d.pop("rejected")

        submitted = d.pop("submitted")

        withdrawn = d.pop("withdrawn")

        kpi_funnel = cls(
            completed=completed,
            contracted=contracted,
            expired=expired,
            matched=matched,
            published=published,
            rejected=rejected,
            submitted=submitted,
            withdrawn=withdrawn,
        )

        kpi_funnel.additional_properties = d
        return kpi_funnel

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
