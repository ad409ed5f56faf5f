from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DemandTeaser")


@_attrs_define
class DemandTeaser:
    """What a caller without access sees of a confidential demand: the values ``shared.visibility``
    classes as the teaser's, typed as in ``DemandOut`` (``budget_band`` stands in for the budget).

        Attributes:
            budget_band (None | str):
            confidentiality (str):
            demand_type (str):
            fields (list[str]):
            id (UUID):
            status (str):
            teaser (bool):
            title (str):
    """

    budget_band: None | str
    confidentiality: str
    demand_type: str
    fields: list[str]
    id: UUID
    status: str
    teaser: bool
    title: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        budget_band: None | str
        budget_band = self.budget_band

        confidentiality = self.confidentiality

        demand_type = self.demand_type

        fields = self.fields

        id = str(self.id)

        status = self.status

        teaser = self.teaser

        title = self.title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "budget_band": budget_band,
                "confidentiality": confidentiality,
                "demand_type": demand_type,
                "fields": fields,
                "id": id,
                "status": status,
                "teaser": teaser,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_budget_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        budget_band = _parse_budget_band(d.pop("budget_band"))

        confidentiality = d.pop("confidentiality")

        demand_type = d.pop("demand_type")

        fields = cast(list[str], d.pop("fields"))

        id = UUID(d.pop("id"))

        status = d.pop("status")

        teaser = d.pop("teaser")

        title = d.pop("title")

        demand_teaser = cls(
            budget_band=budget_band,
            confidentiality=confidentiality,
            demand_type=demand_type,
            fields=fields,
            id=id,
            status=status,
            teaser=teaser,
            title=title,
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
