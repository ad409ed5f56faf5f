from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.person_create_fields_item import PersonCreateFieldsItem
from ..models.person_role import PersonRole
from ..models.person_status import PersonStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.person_contact import PersonContact


T = TypeVar("T", bound="PersonCreate")


@_attrs_define
class PersonCreate:
    """
    Attributes:
        name (str): Name as the person writes it, Chinese or English
        roles (list[PersonRole]):
        capacity (int | Unset): Maximum concurrent assignments Default: 3.
        carrier_id (None | Unset | UUID):
        contact (PersonContact | Unset): Personal contact data: shown only to operators, admins and the person's own
            carrier.
        fields (list[PersonCreateFieldsItem] | Unset):
        keywords (list[str] | Unset):
        languages (list[str] | Unset):
        name_en (None | str | Unset): Name in Latin script
        status (PersonStatus | Unset):
        title (None | str | Unset): e.g. 研究员, 教授, Professor
        university (None | str | Unset):
    """

    name: str
    roles: list[PersonRole]
    capacity: int | Unset = 3
    carrier_id: None | Unset | UUID = UNSET
    contact: PersonContact | Unset = UNSET
    fields: list[PersonCreateFieldsItem] | Unset = UNSET
    keywords: list[str] | Unset = UNSET
    languages: list[str] | Unset = UNSET
    name_en: None | str | Unset = UNSET
    status: PersonStatus | Unset = UNSET
    title: None | str | Unset = UNSET
    university: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        roles = []
        for roles_item_data in self.roles:
            roles_item = roles_item_data.value
            roles.append(roles_item)

        capacity = self.capacity

        carrier_id: None | str | Unset
        if isinstance(self.carrier_id, Unset):
            carrier_id = UNSET
        elif isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        contact: dict[str, Any] | Unset = UNSET
        if not isinstance(self.contact, Unset):
            contact = self.contact.to_dict()

        fields: list[str] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = []
            for fields_item_data in self.fields:
                fields_item = fields_item_data.value
                fields.append(fields_item)

        keywords: list[str] | Unset = UNSET
        if not isinstance(self.keywords, Unset):
            keywords = self.keywords

        languages: list[str] | Unset = UNSET
        if not isinstance(self.languages, Unset):
            languages = self.languages

        name_en: None | str | Unset
        if isinstance(self.name_en, Unset):
            name_en = UNSET
        else:
            name_en = self.name_en

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        university: None | str | Unset
        if isinstance(self.university, Unset):
            university = UNSET
        else:
            university = self.university

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "roles": roles,
            }
        )
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if carrier_id is not UNSET:
            field_dict["carrier_id"] = carrier_id
        if contact is not UNSET:
            field_dict["contact"] = contact
        if fields is not UNSET:
            field_dict["fields"] = fields
        if keywords is not UNSET:
            field_dict["keywords"] = keywords
        if languages is not UNSET:
            field_dict["languages"] = languages
        if name_en is not UNSET:
            field_dict["name_en"] = name_en
        if status is not UNSET:
            field_dict["status"] = status
        if title is not UNSET:
            field_dict["title"] = title
        if university is not UNSET:
            field_dict["university"] = university

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.person_contact import PersonContact

        d = dict(src_dict)
        name = d.pop("name")

        roles = []
        _roles = d.pop("roles")
        for roles_item_data in _roles:
            roles_item = PersonRole(roles_item_data)

            roles.append(roles_item)

        capacity = d.pop("capacity", UNSET)

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

        _contact = d.pop("contact", UNSET)
        contact: PersonContact | Unset
        if isinstance(_contact, Unset):
            contact = UNSET
        else:
            contact = PersonContact.from_dict(_contact)

        _fields = d.pop("fields", UNSET)
        fields: list[PersonCreateFieldsItem] | Unset = UNSET
        if _fields is not UNSET:
            fields = []
            for fields_item_data in _fields:
                fields_item = PersonCreateFieldsItem(fields_item_data)

                fields.append(fields_item)

        keywords = cast(list[str], d.pop("keywords", UNSET))

        languages = cast(list[str], d.pop("languages", UNSET))

        def _parse_name_en(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name_en = _parse_name_en(d.pop("name_en", UNSET))

        _status = d.pop("status", UNSET)
        status: PersonStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = PersonStatus(_status)

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_university(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        university = _parse_university(d.pop("university", UNSET))

        person_create = cls(
            name=name,
            roles=roles,
            capacity=capacity,
            carrier_id=carrier_id,
            contact=contact,
            fields=fields,
            keywords=keywords,
            languages=languages,
            name_en=name_en,
            status=status,
            title=title,
            university=university,
        )

        return person_create
