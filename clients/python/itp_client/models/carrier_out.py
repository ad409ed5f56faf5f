from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CarrierOut")


@_attrs_define
class CarrierOut:
    """
    Attributes:
        active_load (int): Demands and contracts the carrier is engaged on now
        capabilities (str):
        capacity (int):
        city (None | str):
        completed_contracts (int):
        contract_value (str): Total value of its completed contracts (CNY)
        country (str):
        created_at (datetime.datetime):
        equipment (list[str]):
        fields (list[str]):
        id (UUID):
        keywords (list[str]):
        kind (str):
        matches_accepted (int):
        name_en (None | str):
        name_zh (None | str):
        province (None | str):
        status (str):
        updated_at (datetime.datetime):
        version (int):
    """

    active_load: int
    capabilities: str
    capacity: int
    city: None | str
    completed_contracts: int
    contract_value: str
    country: str
    created_at: datetime.datetime
    equipment: list[str]
    fields: list[str]
    id: UUID
    keywords: list[str]
    kind: str
    matches_accepted: int
    name_en: None | str
    name_zh: None | str
    province: None | str
    status: str
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_load = self.active_load

        capabilities = self.capabilities

        capacity = self.capacity

        city: None | str
        city = self.city

        completed_contracts = self.completed_contracts

        contract_value = self.contract_value

        country = self.country

        created_at = self.created_at.isoformat()

        equipment = self.equipment

        fields = self.fields

        id = str(self.id)

        keywords = self.keywords

        kind = self.kind

        matches_accepted = self.matches_accepted

        name_en: None | str
        name_en = self.name_en

        name_zh: None | str
        name_zh = self.name_zh

        province: None | str
        province = self.province

        status = self.status

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active_load": active_load,
                "capabilities": capabilities,
                "capacity": capacity,
                "city": city,
                "completed_contracts": completed_contracts,
                "contract_value": contract_value,
                "country": country,
                "created_at": created_at,
                "equipment": equipment,
                "fields": fields,
                "id": id,
                "keywords": keywords,
                "kind": kind,
                "matches_accepted": matches_accepted,
                "name_en": name_en,
                "name_zh": name_zh,
                "province": province,
                "status": status,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active_load = d.pop("active_load")

        capabilities = d.pop("capabilities")

        capacity = d.pop("capacity")

        def _parse_city(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        city = _parse_city(d.pop("city"))

        completed_contracts = d.pop("completed_contracts")

        contract_value = d.pop("contract_value")

        country = d.pop("country")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        equipment = cast(list[str], d.pop("equipment"))

        fields = cast(list[str], d.pop("fields"))

        id = UUID(d.pop("id"))

        keywords = cast(list[str], d.pop("keywords"))

        kind = d.pop("kind")

        matches_accepted = d.pop("matches_accepted")

        def _parse_name_en(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name_en = _parse_name_en(d.pop("name_en"))

        def _parse_name_zh(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name_zh = _parse_name_zh(d.pop("name_zh"))

        def _parse_province(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        province = _parse_province(d.pop("province"))

        status = d.pop("status")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        carrier_out = cls(
            active_load=active_load,
            capabilities=capabilities,
            capacity=capacity,
            city=city,
            completed_contracts=completed_contracts,
            contract_value=contract_value,
            country=country,
            created_at=created_at,
            equipment=equipment,
            fields=fields,
            id=id,
            keywords=keywords,
            kind=kind,
            matches_accepted=matches_accepted,
            name_en=name_en,
            name_zh=name_zh,
            province=province,
            status=status,
            updated_at=updated_at,
            version=version,
        )

        carrier_out.additional_properties = d
        return carrier_out

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
