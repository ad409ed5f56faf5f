from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.suggested_carrier_out import SuggestedCarrierOut
    from ..models.suggested_expert_out import SuggestedExpertOut


T = TypeVar("T", bound="SuggestionsPending")


@_attrs_define
class SuggestionsPending:
    """Matching has not ranked the demand yet: ask again after Retry-After seconds

    Attributes:
        carriers (list[SuggestedCarrierOut]):
        demand_id (UUID):
        experts (list[SuggestedExpertOut]):
        retry_after (int):
        status (Literal['pending']):
    """

    carriers: list[SuggestedCarrierOut]
    demand_id: UUID
    experts: list[SuggestedExpertOut]
    retry_after: int
    status: Literal["pending"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carriers = []
        for carriers_item_data in self.carriers:
            carriers_item = carriers_item_data.to_dict()
            carriers.append(carriers_item)

        demand_id = str(self.demand_id)

        experts = []
        for experts_item_data in self.experts:
            experts_item = experts_item_data.to_dict()
            experts.append(experts_item)

        retry_after = self.retry_after

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carriers": carriers,
                "demand_id": demand_id,
                "experts": experts,
                "retry_after": retry_after,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.suggested_carrier_out import SuggestedCarrierOut
        from ..models.suggested_expert_out import SuggestedExpertOut

        d = dict(src_dict)
        carriers = []
        _carriers = d.pop("carriers")
        for carriers_item_data in _carriers:
            carriers_item = SuggestedCarrierOut.from_dict(carriers_item_data)

            carriers.append(carriers_item)

        demand_id = UUID(d.pop("demand_id"))

        experts = []
        _experts = d.pop("experts")
        for experts_item_data in _experts:
            experts_item = SuggestedExpertOut.from_dict(experts_item_data)

            experts.append(experts_item)

        retry_after = d.pop("retry_after")

        status = cast(Literal["pending"], d.pop("status"))
        if status != "pending":
            raise ValueError(f"status must match const 'pending', got '{status}'")

        suggestions_pending = cls(
            carriers=carriers,
            demand_id=demand_id,
            experts=experts,
            retry_after=retry_after,
            status=status,
        )

        suggestions_pending.additional_properties = d
        return suggestions_pending

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
