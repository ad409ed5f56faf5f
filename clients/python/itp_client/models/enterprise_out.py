from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.enterprise_out_contacts_item import EnterpriseOutContactsItem


T = TypeVar("T", bound="EnterpriseOut")


@_attrs_define
class EnterpriseOut:
    """
    Attributes:
        city (str):
        contacts (list[EnterpriseOutContactsItem]):
        created_at (datetime.datetime):
        credit_code (str):
        id (UUID):
        industry_code (str):
        name_en (None | str):
        name_zh (None | str):
        province (str):
        size (str):
        version (int):
    """

    city: str
    contacts: list[EnterpriseOutContactsItem]
    created_at: datetime.datetime
    credit_code: str
    id: UUID
    industry_code: str
    name_en: None | str
    name_zh: None | str
    province: str
    size: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        city = self.city

        contacts = []
        for contacts_item_data in self.contacts:
            contacts_item = contacts_item_data.to_dict()
            contacts.append(contacts_item)

        created_at = self.created_at.isoformat()

        credit_code = self.credit_code

        id = str(self.id)

        industry_code = self.industry_code

        name_en: None | str
        name_en = self.name_en

        name_zh: None | str
        name_zh = self.name_zh

        province = self.province

        size = self.size

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "city": city,
                "contacts": contacts,
                "created_at": created_at,
                "credit_code": credit_code,
                "id": id,
                "industry_code": industry_code,
                "name_en": name_en,
                "name_zh": name_zh,
                "province": province,
                "size": size,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.enterprise_out_contacts_item import EnterpriseOutContactsItem

        d = dict(src_dict)
        city = d.pop("city")

        contacts = []
        _contacts = d.pop("contacts")
        for contacts_item_data in _contacts:
            contacts_item = EnterpriseOutContactsItem.from_dict(contacts_item_data)

            contacts.append(contacts_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        credit_code = d.pop("credit_code")

        id = UUID(d.pop("id"))

        industry_code = d.pop("industry_code")

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

        province = d.pop("province")

        size = d.pop("size")

        version = d.pop("version")

        enterprise_out = cls(
            city=city,
            contacts=contacts,
            created_at=created_at,
            credit_code=credit_code,
            id=id,
            industry_code=industry_code,
            name_en=name_en,
            name_zh=name_zh,
            province=province,
            size=size,
            version=version,
        )

        enterprise_out.additional_properties = d
        return enterprise_out

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
