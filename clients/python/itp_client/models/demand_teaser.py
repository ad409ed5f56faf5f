from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DemandTeaser")


@_attrs_define
class DemandTeaser:
    """What a caller without access sees of a confidential demand (``shared.visibility``).

    Attributes:
        id (UUID):
        teaser (bool):
        title (str):
        budget_band (None | str | Unset):
        confidentiality (None | str | Unset):
        demand_type (None | str | Unset):
        fields (list[str] | Unset):
        status (None | str | Unset):
    """

    id: UUID
    teaser: bool
    title: str
    budget_band: None | str | Unset = UNSET
    confidentiality: None | str | Unset = UNSET
    demand_type: None | str | Unset = UNSET
    fields: list[str] | Unset = UNSET
    status: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        teaser = self.teaser

        title = self.title

        budget_band: None | str | Unset
        if isinstance(self.budget_band, Unset):
            budget_band = UNSET
        else:
            budget_band = self.budget_band

        confidentiality: None | str | Unset
        if isinstance(self.confidentiality, Unset):
            confidentiality = UNSET
        else:
            confidentiality = self.confidentiality

        demand_type: None | str | Unset
        if isinstance(self.demand_type, Unset):
            demand_type = UNSET
        else:
            demand_type = self.demand_type

        fields: list[str] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "teaser": teaser,
                "title": title,
            }
        )
        if budget_band is not UNSET:
            field_dict["budget_band"] = budget_band
        if confidentiality is not UNSET:
            field_dict["confidentiality"] = confidentiality
        if demand_type is not UNSET:
            field_dict["demand_type"] = demand_type
        if fields is not UNSET:
            field_dict["fields"] = fields
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        teaser = d.pop("teaser")

        title = d.pop("title")

        def _parse_budget_band(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        budget_band = _parse_budget_band(d.pop("budget_band", UNSET))

        def _parse_confidentiality(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        confidentiality = _parse_confidentiality(d.pop("confidentiality", UNSET))

        def _parse_demand_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        demand_type = _parse_demand_type(d.pop("demand_type", UNSET))

        fields = cast(list[str], d.pop("fields", UNSET))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        demand_teaser = cls(
            id=id,
            teaser=teaser,
            title=title,
            budget_band=budget_band,
            confidentiality=confidentiality,
            demand_type=demand_type,
            fields=fields,
            status=status,
        )

        demand_teaser.additional_properties = d
        return demand_teaser

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
