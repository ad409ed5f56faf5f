from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.kpi_breakdown_row import KpiBreakdownRow


T = TypeVar("T", bound="KpiBreakdowns")


@_attrs_define
class KpiBreakdowns:
    """
    Attributes:
        carrier (list[KpiBreakdownRow]):
        center (list[KpiBreakdownRow]):
        field (list[KpiBreakdownRow]): A demand with several fields counts in each of them
        month (list[KpiBreakdownRow]): Each figure in the month of its own event, in the institute's time zone
            (`ITP_INSTITUTE_TIMEZONE`, default Asia/Shanghai), as the contracts' monthly totals
        project_manager (list[KpiBreakdownRow]):
        province (list[KpiBreakdownRow]): The demand's province (its contracts and payments with it)
    """

    carrier: list[KpiBreakdownRow]
    center: list[KpiBreakdownRow]
    field: list[KpiBreakdownRow]
    month: list[KpiBreakdownRow]
    project_manager: list[KpiBreakdownRow]
    province: list[KpiBreakdownRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier = []
        for carrier_item_data in self.carrier:
            carrier_item = carrier_item_data.to_dict()
            carrier.append(carrier_item)

        center = []
        for center_item_data in self.center:
            center_item = center_item_data.to_dict()
            center.append(center_item)

        field = []
        for field_item_data in self.field:
            field_item = field_item_data.to_dict()
            field.append(field_item)

        month = []
        for month_item_data in self.month:
            month_item = month_item_data.to_dict()
            month.append(month_item)

        project_manager = []
        for project_manager_item_data in self.project_manager:
            project_manager_item = project_manager_item_data.to_dict()
            project_manager.append(project_manager_item)

        province = []
        for province_item_data in self.province:
            province_item = province_item_data.to_dict()
            province.append(province_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier": carrier,
                "center": center,
                "field": field,
                "month": month,
                "project_manager": project_manager,
                "province": province,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.kpi_breakdown_row import KpiBreakdownRow

        d = dict(src_dict)
        carrier = []
        _carrier = d.pop("carrier")
        for carrier_item_data in _carrier:
            carrier_item = KpiBreakdownRow.from_dict(carrier_item_data)

            carrier.append(carrier_item)

        center = []
        _center = d.pop("center")
        for center_item_data in _center:
            center_item = KpiBreakdownRow.from_dict(center_item_data)

            center.append(center_item)

        field = []
        _field = d.pop("field")
        for field_item_data in _field:
            field_item = KpiBreakdownRow.from_dict(field_item_data)

            field.append(field_item)

        month = []
        _month = d.pop("month")
        for month_item_data in _month:
            month_item = KpiBreakdownRow.from_dict(month_item_data)

            month.append(month_item)

        project_manager = []
        _project_manager = d.pop("project_manager")
        for project_manager_item_data in _project_manager:
            project_manager_item = KpiBreakdownRow.from_dict(project_manager_item_data)

            project_manager.append(project_manager_item)

        province = []
        _province = d.pop("province")
        for province_item_data in _province:
            province_item = KpiBreakdownRow.from_dict(province_item_data)

            province.append(province_item)

        kpi_breakdowns = cls(
            carrier=carrier,
            center=center,
            field=field,
            month=month,
            project_manager=project_manager,
            province=province,
        )

        kpi_breakdowns.additional_properties = d
        return kpi_breakdowns

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
