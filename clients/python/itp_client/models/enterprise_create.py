from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.enterprise_create_size import EnterpriseCreateSize
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.contact import Contact


T = TypeVar("T", bound="EnterpriseCreate")


@_attrs_define
class EnterpriseCreate:
    """
    Attributes:
        city (str):
        contacts (list[Contact]):
        credit_code (str): Unified social credit code (GB 32100-2015), 18 characters
        industry_code (str): National industry classification (GB/T 4754): section letter + division, e.g. C38
        province (str):
        size (EnterpriseCreateSize):
        name_en (None | str | Unset):
        name_zh (None | str | Unset):
    """

    city: str
    contacts: list[Contact]
    credit_code: str
    industry_code: str
    province: str
    size: EnterpriseCreateSize
    name_en: None | str | Unset = UNSET
    name_zh: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        city = self.city

        contacts = []
        for contacts_item_data in self.contacts:
            contacts_item = contacts_item_data.to_dict()
            contacts.append(contacts_item)

        credit_code = self.credit_code

        industry_code = self.industry_code

        province = self.province

        size = self.size.value

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

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "city": city,
                "contacts": contacts,
                "credit_code": credit_code,
                "industry_code": industry_code,
                "province": province,
                "size": size,
            }
        )
        if name_en is not UNSET:
            field_dict["name_en"] = name_en
        if name_zh is not UNSET:
            field_dict["name_zh"] = name_zh

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact import Contact

        d = dict(src_dict)
        city = d.pop("city")

        contacts = []
        _contacts = d.pop("contacts")
        for contacts_item_data in _contacts:
            contacts_item = Contact.from_dict(contacts_item_data)

            contacts.append(contacts_item)

        credit_code = d.pop("credit_code")

        industry_code = d.pop("industry_code")

        province = d.pop("province")

        size = EnterpriseCreateSize(d.pop("size"))

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

        enterprise_create = cls(
            city=city,
            contacts=contacts,
            credit_code=credit_code,
            industry_code=industry_code,
            province=province,
            size=size,
            name_en=name_en,
            name_zh=name_zh,
        )

        return enterprise_create
