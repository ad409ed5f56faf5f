from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.suggested_expert_out_components import SuggestedExpertOutComponents


T = TypeVar("T", bound="SuggestedExpertOut")


@_attrs_define
class SuggestedExpertOut:
    """
    Attributes:
        person_id (UUID):
        at_capacity (bool | None | Unset):
        carrier_id (None | Unset | UUID):
        components (SuggestedExpertOutComponents | Unset):
        matched_terms (list[str] | Unset):
        name (None | str | Unset):
        rank (int | None | Unset):
        score (float | None | Unset):
        teaser (bool | None | Unset):
    """

    person_id: UUID
    at_capacity: bool | None | Unset = UNSET
    carrier_id: None | Unset | UUID = UNSET
    components: SuggestedExpertOutComponents | Unset = UNSET
    matched_terms: list[str] | Unset = UNSET
    name: None | str | Unset = UNSET
    rank: int | None | Unset = UNSET
    score: float | None | Unset = UNSET
    teaser: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = str(self.person_id)

        at_capacity: bool | None | Unset
        if isinstance(self.at_capacity, Unset):
            at_capacity = UNSET
        else:
            at_capacity = self.at_capacity

        carrier_id: None | str | Unset
        if isinstance(self.carrier_id, Unset):
            carrier_id = UNSET
        elif isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        components: dict[str, Any] | Unset = UNSET
        if not isinstance(self.components, Unset):
            components = self.components.to_dict()

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
                "person_id": person_id,
            }
        )
        if at_capacity is not UNSET:
            field_dict["at_capacity"] = at_capacity
        if carrier_id is not UNSET:
            field_dict["carrier_id"] = carrier_id
        if components is not UNSET:
            field_dict["components"] = components
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
        from ..models.suggested_expert_out_components import (
            SuggestedExpertOutComponents,
        )

        d = dict(src_dict)
        person_id = UUID(d.pop("person_id"))

        def _parse_at_capacity(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        at_capacity = _parse_at_capacity(d.pop("at_capacity", UNSET))

        def _parse_carrier_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                carrier_id_type_0 = UUID(data)

                return carrier_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        carrier_id = _parse_carrier_id(d.pop("carrier_id", UNSET))

        _components = d.pop("components", UNSET)
        components: SuggestedExpertOutComponents | Unset
        if isinstance(_components, Unset):
            components = UNSET
        else:
            components = SuggestedExpertOutComponents.from_dict(_components)

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

        suggested_expert_out = cls(
            person_id=person_id,
            at_capacity=at_capacity,
            carrier_id=carrier_id,
            components=components,
            matched_terms=matched_terms,
            name=name,
            rank=rank,
            score=score,
            teaser=teaser,
        )

        suggested_expert_out.additional_properties = d
        return suggested_expert_out

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
