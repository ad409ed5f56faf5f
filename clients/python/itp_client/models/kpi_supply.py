from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.kpi_centers_in_year import KpiCentersInYear
    from ..models.kpi_partner_universities import KpiPartnerUniversities
    from ..models.kpi_supply_carriers_by_kind import KpiSupplyCarriersByKind
    from ..models.kpi_supply_people_by_role import KpiSupplyPeopleByRole
    from ..models.kpi_trainees import KpiTrainees


T = TypeVar("T", bound="KpiSupply")


@_attrs_define
class KpiSupply:
    """
    Attributes:
        carriers_by_kind (KpiSupplyCarriersByKind): Carriers registered, by kind
        centers (int): Joint innovation centers established (by their establishment date)
        centers_by_year (list[KpiCentersInYear]):
        partner_universities (KpiPartnerUniversities):
        people_by_role (KpiSupplyPeopleByRole): People registered, by role (a person counts in each role)
        trainees (KpiTrainees):
    """

    carriers_by_kind: KpiSupplyCarriersByKind
    centers: int
    centers_by_year: list[KpiCentersInYear]
    partner_universities: KpiPartnerUniversities
    people_by_role: KpiSupplyPeopleByRole
    trainees: KpiTrainees
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carriers_by_kind = self.carriers_by_kind.to_dict()

        centers = self.centers

        centers_by_year = []
        for centers_by_year_item_data in self.centers_by_year:
            centers_by_year_item = centers_by_year_item_data.to_dict()
            centers_by_year.append(centers_by_year_item)

        partner_universities = self.partner_universities.to_dict()

        people_by_role = self.people_by_role.to_dict()

        trainees = self.trainees.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carriers_by_kind": carriers_by_kind,
                "centers": centers,
                "centers_by_year": centers_by_year,
                "partner_universities": partner_universities,
                "people_by_role": people_by_role,
                "trainees": trainees,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.kpi_centers_in_year import KpiCentersInYear
        from ..models.kpi_partner_universities import KpiPartnerUniversities
        from ..models.kpi_supply_carriers_by_kind import KpiSupplyCarriersByKind
        from ..models.kpi_supply_people_by_role import KpiSupplyPeopleByRole
        from ..models.kpi_trainees import KpiTrainees

        d = dict(src_dict)
        carriers_by_kind = KpiSupplyCarriersByKind.from_dict(d.pop("carriers_by_kind"))

        centers = d.pop("centers")

        centers_by_year = []
        _centers_by_year = d.pop("centers_by_year")
        for centers_by_year_item_data in _centers_by_year:
            centers_by_year_item = KpiCentersInYear.from_dict(centers_by_year_item_data)

            centers_by_year.append(centers_by_year_item)

        partner_universities = KpiPartnerUniversities.from_dict(
            d.pop("partner_universities")
        )

        people_by_role = KpiSupplyPeopleByRole.from_dict(d.pop("people_by_role"))

        trainees = KpiTrainees.from_dict(d.pop("trainees"))

        kpi_supply = cls(
            carriers_by_kind=carriers_by_kind,
            centers=centers,
            centers_by_year=centers_by_year,
            partner_universities=partner_universities,
            people_by_role=people_by_role,
            trainees=trainees,
        )

        kpi_supply.additional_properties = d
        return kpi_supply

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
