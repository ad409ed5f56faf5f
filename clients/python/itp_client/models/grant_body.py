from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="GrantBody")


@_attrs_define
class GrantBody:
    """
    Attributes:
        carrier_id (UUID):
    """

    carrier_id: UUID

    def to_dict(self) -> dict[str, Any]:
        carrier_id = str(self.carrier_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "carrier_id": carrier_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        carrier_id = UUID(d.pop("carrier_id"))

        grant_body = cls(
            carrier_id=carrier_id,
        )

        return grant_body
