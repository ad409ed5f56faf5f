from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DashboardStreamStatsOut")


@_attrs_define
class DashboardStreamStatsOut:
    """
    Attributes:
        delivered (int):
        dropped (int):
        published (int):
        subscribers (int):
    """

    delivered: int
    dropped: int
    published: int
    subscribers: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delivered = self.delivered

        dropped = self.dropped

        published = self.published

        subscribers = self.subscribers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delivered": delivered,
                "dropped": dropped,
                "published": published,
                "subscribers": subscribers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        delivered = d.pop("delivered")

        dropped = d.pop("dropped")

        published = d.pop("published")

        subscribers = d.pop("subscribers")

        dashboard_stream_stats_out = cls(
            delivered=delivered,
            dropped=dropped,
            published=published,
            subscribers=subscribers,
        )

        dashboard_stream_stats_out.additional_properties = d
        return dashboard_stream_stats_out

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
