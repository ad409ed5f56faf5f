from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="OfflineMatchCreate")


@_attrs_define
class OfflineMatchCreate:
    """A match a project manager made outside the suggestions (the carrier need not have been
    suggested): accepted at once, with why.

        Attributes:
            carrier_id (UUID):
            demand_id (UUID):
            reason (str): Why this carrier, found outside the platform's suggestions (required)
    """

    carrier_id: UUID
    demand_id: UUID
    reason: str

    def to_dict(self) -> dict[str, Any]:
        carrier_id = str(self.carrier_id)

        demand_id = str(self.demand_id)

        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "carrier_id": carrier_id,
                "demand_id": demand_id,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        carrier_id = UUID(d.pop("carrier_id"))

        demand_id = UUID(d.pop("demand_id"))

        reason = d.pop("reason")

        offline_match_create = cls(
            carrier_id=carrier_id,
            demand_id=demand_id,
            reason=reason,
        )

        return offline_match_create
