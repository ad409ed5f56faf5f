from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.suggested_carrier_out_adjustments_item import (
        SuggestedCarrierOutAdjustmentsItem,
    )
    from ..models.suggested_carrier_out_components import SuggestedCarrierOutComponents


T = TypeVar("T", bound="SuggestedCarrierOut")


@_attrs_define
class SuggestedCarrierOut:
    """
    Attributes:
        carrier_id (UUID):
        adjustments (list[SuggestedCarrierOutAdjustmentsItem] | Unset):
        at_capacity (bool | None | Unset):
        base_score (float | None | Unset):
        components (SuggestedCarrierOutComponents | Unset):
        decision (None | str | Unset): suggested, accepted or rejected
        explanation (list[str] | Unset):
        match_id (None | Unset | UUID):
        matched_terms (list[str] | Unset):
        name (None | str | Unset):
        rank (int | None | Unset):
        score (float | None | Unset):
        teaser (bool | None | Unset): Only the teaser's part may be shown to you
    """

    carrier_id: UUID
    adjustments: list[SuggestedCarrierOutAdjustmentsItem] | Unset = UNSET
    at_capacity: bool | None | Unset = UNSET
    base_score: float | None | Unset = UNSET
    components: SuggestedCarrierOutComponents | Unset = UNSET
    decision: None | str | Unset = UNSET
    explanation: list[str] | Unset = UNSET
    match_id: None | Unset | UUID = UNSET
    matched_terms: list[str] | Unset = UNSET
    name: None | str | Unset = UNSET
    rank: int | None | Unset = UNSET
    score: float | None | Unset = UNSET
    teaser: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_id = str(self.carrier_id)

        adjustments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.adjustments, Unset):
            adjustments = []
            for adjustments_item_data in self.adjustments:
                adjustments_item = adjustments_item_data.to_dict()
                adjustments.append(adjustments_item)

        at_capacity: bool | None | Unset
        if isinstance(self.at_capacity, Unset):
            at_capacity = UNSET
        else:
            at_capacity = self.at_capacity

        base_score: float | None | Unset
        if isinstance(self.base_score, Unset):
            base_score = UNSET
        else:
            base_score = self.base_score

        components: dict[str, Any] | Unset = UNSET
        if not isinstance(self.components, Unset):
            components = self.components.to_dict()

        decision: None | str | Unset
        if isinstance(self.decision, Unset):
            decision = UNSET
        else:
            decision = self.decision

        explanation: list[str] | Unset = UNSET
        if not isinstance(self.explanation, Unset):
            explanation = self.explanation

        match_id: None | str | Unset
        if isinstance(self.match_id, Unset):
            match_id = UNSET
        elif isinstance(self.match_id, UUID):
            match_id = str(self.match_id)
        else:
            match_id = self.match_id

        matched_terms: list[str] | Unset = UNSET
        if not isinstance(self.matched_terms, Unset):
            matched_terms = self.matched_terms

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        rank: int | None | Unset
        if isinstance(self.rank, Unset):
            rank = UNSET
        else:
            rank = self.rank

        score: float | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        else:
            score = self.score

        teaser: bool | None | Unset
        if isinstance(self.teaser, Unset):
            teaser = UNSET
        else:
            teaser = self.teaser

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_id": carrier_id,
            }
        )
        if adjustments is not UNSET:
            field_dict["adjustments"] = adjustments
        if at_capacity is not UNSET:
            field_dict["at_capacity"] = at_capacity
        if base_score is not UNSET:
            field_dict["base_score"] = base_score
        if components is not UNSET:
            field_dict["components"] = components
        if decision is not UNSET:
            field_dict["decision"] = decision
        if explanation is not UNSET:
            field_dict["explanation"] = explanation
        if match_id is not UNSET:
            field_dict["match_id"] = match_id
        if matched_terms is not UNSET:
            field_dict["matched_terms"] = matched_terms
        if name is not UNSET:
            field_dict["name"] = name
        if rank is not UNSET:
            field_dict["rank"] = rank
        if score is not UNSET:
            field_dict["score"] = score
        if teaser is not UNSET:
            field_dict["teaser"] = teaser

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.suggested_carrier_out_adjustments_item import (
            SuggestedCarrierOutAdjustmentsItem,
        )
        from ..models.suggested_carrier_out_components import (
            SuggestedCarrierOutComponents,
        )

        d = dict(src_dict)
        carrier_id = UUID(d.pop("carrier_id"))

        _adjustments = d.pop("adjustments", UNSET)
        adjustments: list[SuggestedCarrierOutAdjustmentsItem] | Unset = UNSET
        if _adjustments is not UNSET:
            adjustments = []
            for adjustments_item_data in _adjustments:
                adjustments_item = SuggestedCarrierOutAdjustmentsItem.from_dict(
                    adjustments_item_data
                )

                adjustments.append(adjustments_item)

        def _parse_at_capacity(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        at_capacity = _parse_at_capacity(d.pop("at_capacity", UNSET))

        def _parse_base_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        base_score = _parse_base_score(d.pop("base_score", UNSET))

        _components = d.pop("components", UNSET)
        components: SuggestedCarrierOutComponents | Unset
        if isinstance(_components, Unset):
            components = UNSET
        else:
            components = SuggestedCarrierOutComponents.from_dict(_components)

        def _parse_decision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decision = _parse_decision(d.pop("decision", UNSET))

        explanation = cast(list[str], d.pop("explanation", UNSET))

        def _parse_match_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                match_id_type_0 = UUID(data)

                return match_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        match_id = _parse_match_id(d.pop("match_id", UNSET))

        matched_terms = cast(list[str], d.pop("matched_terms", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_rank(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rank = _parse_rank(d.pop("rank", UNSET))

        def _parse_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        score = _parse_score(d.pop("score", UNSET))

        def _parse_teaser(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        teaser = _parse_teaser(d.pop("teaser", UNSET))

        suggested_carrier_out = cls(
            carrier_id=carrier_id,
            adjustments=adjustments,
            at_capacity=at_capacity,
            base_score=base_score,
            components=components,
            decision=decision,
            explanation=explanation,
            match_id=match_id,
            matched_terms=matched_terms,
            name=name,
            rank=rank,
            score=score,
            teaser=teaser,
        )

        suggested_carrier_out.additional_properties = d
        return suggested_carrier_out

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
