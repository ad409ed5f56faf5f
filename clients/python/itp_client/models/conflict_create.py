from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="ConflictCreate")


@_attrs_define
class ConflictCreate:
    """
    Attributes:
        carrier_id (UUID):
        enterprise_id (UUID):
        reason (str):
    """

    carrier_id: UUID
    enterprise_id: UUID
    reason: str

    def to_dict(self) -> dict[str, Any]:
        carrier_id = str(self.carrier_id)

        enterprise_id = str(self.enterprise_id)

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "carrier_id": carrier_id,
                "enterprise_id": enterprise_id,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        carrier_id = UUID(d.pop("carrier_id"))

        enterprise_id = UUID(d.pop("enterprise_id"))

        reason = d.pop("reason")

        conflict_create = cls(
            carrier_id=carrier_id,
            enterprise_id=enterprise_id,
            reason=reason,
        )

        return conflict_create
