from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.suggested_carrier_out import SuggestedCarrierOut
    from ..models.suggested_expert_out import SuggestedExpertOut
    from ..models.suggestions_out_weights import SuggestionsOutWeights


T = TypeVar("T", bound="SuggestionsOut")


@_attrs_define
class SuggestionsOut:
    """A demand's latest ranked carriers and experts (``limit`` of each at most).

    Attributes:
        carriers (list[SuggestedCarrierOut]):
        demand_id (UUID):
        experts (list[SuggestedExpertOut]):
        enterprise_id (None | Unset | UUID):
        status (None | str | Unset): The demand's status
        suggested_at (datetime.datetime | None | Unset):
        suggestion_set_id (None | Unset | UUID): None when none was made yet
        teaser (bool | None | Unset):
        trigger (None | str | Unset):
        visibility (None | str | Unset): 'own carrier only' for a carrier's user
        weights (SuggestionsOutWeights | Unset):
    """

    carriers: list[SuggestedCarrierOut]
    demand_id: UUID
    experts: list[SuggestedExpertOut]
    enterprise_id: None | Unset | UUID = UNSET
    status: None | str | Unset = UNSET
    suggested_at: datetime.datetime | None | Unset = UNSET
    suggestion_set_id: None | Unset | UUID = UNSET
    teaser: bool | None | Unset = UNSET
    trigger: None | str | Unset = UNSET
    visibility: None | str | Unset = UNSET
    weights: SuggestionsOutWeights | Unset = UNSET
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

        enterprise_id: None | str | Unset
        if isinstance(self.enterprise_id, Unset):
            enterprise_id = UNSET
        elif isinstance(self.enterprise_id, UUID):
            enterprise_id = str(self.enterprise_id)
        else:
            enterprise_id = self.enterprise_id

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        suggested_at: None | str | Unset
        if isinstance(self.suggested_at, Unset):
            suggested_at = UNSET
        elif isinstance(self.suggested_at, datetime.datetime):
            suggested_at = self.suggested_at.isoformat()
        else:
            suggested_at = self.suggested_at

        suggestion_set_id: None | str | Unset
        if isinstance(self.suggestion_set_id, Unset):
            suggestion_set_id = UNSET
        elif isinstance(self.suggestion_set_id, UUID):
            suggestion_set_id = str(self.suggestion_set_id)
        else:
            suggestion_set_id = self.suggestion_set_id

        teaser: bool | None | Unset
        if isinstance(self.teaser, Unset):
            teaser = UNSET
        else:
            teaser = self.teaser

        trigger: None | str | Unset
        if isinstance(self.trigger, Unset):
            trigger = UNSET
        else:
            trigger = self.trigger

        visibility: None | str | Unset
        if isinstance(self.visibility, Unset):
            visibility = UNSET
        else:
            visibility = self.visibility

        weights: dict[str, Any] | Unset = UNSET
        if not isinstance(self.weights, Unset):
            weights = self.weights.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carriers": carriers,
                "demand_id": demand_id,
                "experts": experts,
            }
        )
        if enterprise_id is not UNSET:
            field_dict["enterprise_id"] = enterprise_id
        if status is not UNSET:
            field_dict["status"] = status
        if suggested_at is not UNSET:
            field_dict["suggested_at"] = suggested_at
        if suggestion_set_id is not UNSET:
            field_dict["suggestion_set_id"] = suggestion_set_id
        if teaser is not UNSET:
            field_dict["teaser"] = teaser
        if trigger is not UNSET:
            field_dict["trigger"] = trigger
        if visibility is not UNSET:
            field_dict["visibility"] = visibility
        if weights is not UNSET:
            field_dict["weights"] = weights

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.suggested_carrier_out import SuggestedCarrierOut
        from ..models.suggested_expert_out import SuggestedExpertOut
        from ..models.suggestions_out_weights import SuggestionsOutWeights

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

        def _parse_enterprise_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                enterprise_id_type_0 = UUID(data)

                return enterprise_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        enterprise_id = _parse_enterprise_id(d.pop("enterprise_id", UNSET))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_suggested_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                suggested_at_type_0 = datetime.datetime.fromisoformat(data)

                return suggested_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        suggested_at = _parse_suggested_at(d.pop("suggested_at", UNSET))

        def _parse_suggestion_set_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                suggestion_set_id_type_0 = UUID(data)

                return suggestion_set_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        suggestion_set_id = _parse_suggestion_set_id(d.pop("suggestion_set_id", UNSET))

        def _parse_teaser(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        teaser = _parse_teaser(d.pop("teaser", UNSET))

        def _parse_trigger(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        trigger = _parse_trigger(d.pop("trigger", UNSET))

        def _parse_visibility(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        visibility = _parse_visibility(d.pop("visibility", UNSET))

        _weights = d.pop("weights", UNSET)
        weights: SuggestionsOutWeights | Unset
        if isinstance(_weights, Unset):
            weights = UNSET
        else:
            weights = SuggestionsOutWeights.from_dict(_weights)

        suggestions_out = cls(
            carriers=carriers,
            demand_id=demand_id,
            experts=experts,
            enterprise_id=enterprise_id,
            status=status,
            suggested_at=suggested_at,
            suggestion_set_id=suggestion_set_id,
            teaser=teaser,
            trigger=trigger,
            visibility=visibility,
            weights=weights,
        )

        suggestions_out.additional_properties = d
        return suggestions_out

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
