from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CenterOut")


@_attrs_define
class CenterOut:
    """
    Attributes:
        committed_funding (str):
        created_at (datetime.datetime):
        enterprise_id (UUID):
        established_on (datetime.date):
        id (UUID):
        name (str):
        status (str):
    """

    committed_funding: str
    created_at: datetime.datetime
    enterprise_id: UUID
    established_on: datetime.date
    id: UUID
    name: str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        committed_funding = self.committed_funding

        created_at = self.created_at.isoformat()

        enterprise_id = str(self.enterprise_id)

        established_on = self.established_on.isoformat()

        id = str(self.id)

        name = self.name

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "committed_funding": committed_funding,
                "created_at": created_at,
                "enterprise_id": enterprise_id,
                "established_on": established_on,
                "id": id,
                "name": name,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        committed_funding = d.pop("committed_funding")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        enterprise_id = UUID(d.pop("enterprise_id"))

        established_on = datetime.date.fromisoformat(d.pop("established_on"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        status = d.pop("status")

        center_out = cls(
            committed_funding=committed_funding,
            created_at=created_at,
            enterprise_id=enterprise_id,
            established_on=established_on,
            id=id,
            name=name,
            status=status,
        )

        center_out.additional_properties = d
        return center_out

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
