from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.person_contact import PersonContact


T = TypeVar("T", bound="PersonOut")


@_attrs_define
class PersonOut:
    """
    Attributes:
        active_load (int):
        capacity (int):
        carrier_id (None | UUID):
        completed_contracts (int):
        contract_value (str):
        created_at (datetime.datetime):
        fields (list[str]):
        id (UUID):
        keywords (list[str]):
        languages (list[str]):
        name (str):
        name_en (None | str):
        roles (list[str]):
        status (str):
        title (None | str):
        university (None | str):
        updated_at (datetime.datetime):
        version (int):
        contact (None | PersonContact | Unset): Only for operators, admins and users of the person's own carrier
    """

    active_load: int
    capacity: int
    carrier_id: None | UUID
    completed_contracts: int
    contract_value: str
    created_at: datetime.datetime
    fields: list[str]
    id: UUID
    keywords: list[str]
    languages: list[str]
    name: str
    name_en: None | str
    roles: list[str]
    status: str
    title: None | str
    university: None | str
    updated_at: datetime.datetime
    version: int
    contact: None | PersonContact | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.person_contact import PersonContact

        active_load = self.active_load

        capacity = self.capacity

        carrier_id: None | str
        if isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        completed_contracts = self.completed_contracts

        contract_value = self.contract_value

        created_at = self.created_at.isoformat()

        fields = self.fields

        id = str(self.id)

        keywords = self.keywords

        languages = self.languages

        name = self.name

        name_en: None | str
        name_en = self.name_en

        roles = self.roles

        status = self.status

        title: None | str
        title = self.title

        university: None | str
        university = self.university

        updated_at = self.updated_at.isoformat()

        version = self.version

        contact: dict[str, Any] | None | Unset
        if isinstance(self.contact, Unset):
            contact = UNSET
        elif isinstance(self.contact, PersonContact):
            contact = self.contact.to_dict()
        else:
            contact = self.contact

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active_load": active_load,
                "capacity": capacity,
                "carrier_id": carrier_id,
                "completed_contracts": completed_contracts,
                "contract_value": contract_value,
                "created_at": created_at,
                "fields": fields,
                "id": id,
                "keywords": keywords,
                "languages": languages,
                "name": name,
                "name_en": name_en,
                "roles": roles,
                "status": status,
                "title": title,
                "university": university,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if contact is not UNSET:
            field_dict["contact"] = contact

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.person_contact import PersonContact

        d = dict(src_dict)
        active_load = d.pop("active_load")

        capacity = d.pop("capacity")

        def _parse_carrier_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                carrier_id_type_0 = UUID(data)

                return carrier_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        carrier_id = _parse_carrier_id(d.pop("carrier_id"))

        completed_contracts = d.pop("completed_contracts")

        contract_value = d.pop("contract_value")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        fields = cast(list[str], d.pop("fields"))

        id = UUID(d.pop("id"))

        keywords = cast(list[str], d.pop("keywords"))

        languages = cast(list[str], d.pop("languages"))

        name = d.pop("name")

        def _parse_name_en(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name_en = _parse_name_en(d.pop("name_en"))

        roles = cast(list[str], d.pop("roles"))

        status = d.pop("status")

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        def _parse_university(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        university = _parse_university(d.pop("university"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        def _parse_contact(data: object) -> None | PersonContact | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                contact_type_0 = PersonContact.from_dict(data)

                return contact_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonContact | Unset, data)

        contact = _parse_contact(d.pop("contact", UNSET))

        person_out = cls(
            active_load=active_load,
            capacity=capacity,
            carrier_id=carrier_id,
            completed_contracts=completed_contracts,
            contract_value=contract_value,
            created_at=created_at,
            fields=fields,
            id=id,
            keywords=keywords,
            languages=languages,
            name=name,
            name_en=name_en,
            roles=roles,
            status=status,
            title=title,
            university=university,
            updated_at=updated_at,
            version=version,
            contact=contact,
        )

        person_out.additional_properties = d
        return person_out

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
