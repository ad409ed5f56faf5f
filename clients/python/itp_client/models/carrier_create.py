from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.carrier_create_fields_item import CarrierCreateFieldsItem
from ..models.carrier_kind import CarrierKind
from ..models.carrier_status import CarrierStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CarrierCreate")


@_attrs_define
class CarrierCreate:
    """
    Attributes:
        capabilities (str):
        fields (list[CarrierCreateFieldsItem]):
        kind (CarrierKind):
        capacity (int | Unset):  Default: 5.
        city (None | str | Unset):
        country (str | Unset):  Default: 'CN'.
        equipment (list[str] | Unset):
        keywords (list[str] | Unset):
        name_en (None | str | Unset):
        name_zh (None | str | Unset):
        province (None | str | Unset):
        status (CarrierStatus | Unset):
    """

    capabilities: str
    fields: list[CarrierCreateFieldsItem]
    kind: CarrierKind
    capacity: int | Unset = 5
    city: None | str | Unset = UNSET
    country: str | Unset = "CN"
    equipment: list[str] | Unset = UNSET
    keywords: list[str] | Unset = UNSET
    name_en: None | str | Unset = UNSET
    name_zh: None | str | Unset = UNSET
    province: None | str | Unset = UNSET
    status: CarrierStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        capabilities = self.capabilities

        fields = []
        for fields_item_data in self.fields:
            fields_item = fields_item_data.value
            fields.append(fields_item)

        kind = self.kind.value

        capacity = self.capacity

        city: None | str | Unset
        if isinstance(self.city, Unset):
            city = UNSET
        else:
            city = self.city

        country = self.country

        equipment: list[str] | Unset = UNSET
        if not isinstance(self.equipment, Unset):
            equipment = self.equipment

        keywords: list[str] | Unset = UNSET
        if not isinstance(self.keywords, Unset):
            keywords = self.keywords

        name_en: None | str | Unset
        if isinstance(self.name_en, Unset):
            name_en = UNSET
        else:
            name_en = self.name_en

        name_zh: None | str | Unset
        if isinstance(self.name_zh, Unset):
            name_zh = UNSET
        else:
            name_zh = self.name_zh

        province: None | str | Unset
        if isinstance(self.province, Unset):
            province = UNSET
        else:
            province = self.province

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "capabilities": capabilities,
                "fields": fields,
                "kind": kind,
            }
        )
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if city is not UNSET:
            field_dict["city"] = city
        if country is not UNSET:
            field_dict["country"] = country
        if equipment is not UNSET:
            field_dict["equipment"] = equipment
        if keywords is not UNSET:
            field_dict["keywords"] = keywords
        if name_en is not UNSET:
            field_dict["name_en"] = name_en
        if name_zh is not UNSET:
            field_dict["name_zh"] = name_zh
        if province is not UNSET:
            field_dict["province"] = province
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        capabilities = d.pop("capabilities")

        fields = []
        _fields = d.pop("fields")
        for fields_item_data in _fields:
            fields_item = CarrierCreateFieldsItem(fields_item_data)

            fields.append(fields_item)

        kind = CarrierKind(d.pop("kind"))

        capacity = d.pop("capacity", UNSET)

        def _parse_city(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        city = _parse_city(d.pop("city", UNSET))

        country = d.pop("country", UNSET)

        equipment = cast(list[str], d.pop("equipment", UNSET))

        keywords = cast(list[str], d.pop("keywords", UNSET))

        def _parse_name_en(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name_en = _parse_name_en(d.pop("name_en", UNSET))

        def _parse_name_zh(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name_zh = _parse_name_zh(d.pop("name_zh", UNSET))

        def _parse_province(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        province = _parse_province(d.pop("province", UNSET))

        _status = d.pop("status", UNSET)
        status: CarrierStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = CarrierStatus(_status)

        carrier_create = cls(
            capabilities=capabilities,
            fields=fields,
            kind=kind,
            capacity=capacity,
            city=city,
            country=country,
            equipment=equipment,
            keywords=keywords,
            name_en=name_en,
            name_zh=name_zh,
            province=province,
            status=status,
        )

        return carrier_create
