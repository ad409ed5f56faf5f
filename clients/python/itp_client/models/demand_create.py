from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.confidentiality import Confidentiality
from ..models.demand_create_fields_item import DemandCreateFieldsItem
from ..models.demand_type import DemandType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.contact import Contact


T = TypeVar("T", bound="DemandCreate")


@_attrs_define
class DemandCreate:
    """
    Attributes:
        contact (Contact):
        demand_type (DemandType): How Chinese technology contracts are registered.
        description (str):
        enterprise_id (UUID):
        expected_outcome (str):
        fields (list[DemandCreateFieldsItem]):
        title (str):
        budget (None | str | Unset):
        center_id (None | Unset | UUID):
        city (None | str | Unset):
        confidentiality (Confidentiality | Unset):
        deadline (datetime.datetime | None | Unset):
        keywords (list[str] | Unset):
        province (None | str | Unset):
        submit (bool | Unset): false keeps it as a draft Default: True.
        trl_current (int | None | Unset):
        trl_target (int | None | Unset):
    """

    contact: Contact
    demand_type: DemandType
    description: str
    enterprise_id: UUID
    expected_outcome: str
    fields: list[DemandCreateFieldsItem]
    title: str
    budget: None | str | Unset = UNSET
    center_id: None | Unset | UUID = UNSET
    city: None | str | Unset = UNSET
    confidentiality: Confidentiality | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    keywords: list[str] | Unset = UNSET
    province: None | str | Unset = UNSET
    submit: bool | Unset = True
    trl_current: int | None | Unset = UNSET
    trl_target: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        contact = self.contact.to_dict()

        demand_type = self.demand_type.value

        description = self.description

        enterprise_id = str(self.enterprise_id)

        expected_outcome = self.expected_outcome

        fields = []
        for fields_item_data in self.fields:
            fields_item = fields_item_data.value
            fields.append(fields_item)

        title = self.title

        budget: None | str | Unset
        if isinstance(self.budget, Unset):
            budget = UNSET
        else:
            budget = self.budget

        center_id: None | str | Unset
        if isinstance(self.center_id, Unset):
            center_id = UNSET
        elif isinstance(self.center_id, UUID):
            center_id = str(self.center_id)
        else:
            center_id = self.center_id

        city: None | str | Unset
        if isinstance(self.city, Unset):
            city = UNSET
        else:
            city = self.city

        confidentiality: str | Unset = UNSET
        if not isinstance(self.confidentiality, Unset):
            confidentiality = self.confidentiality.value

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        keywords: list[str] | Unset = UNSET
        if not isinstance(self.keywords, Unset):
            keywords = self.keywords

        province: None | str | Unset
        if isinstance(self.province, Unset):
            province = UNSET
        else:
            province = self.province

        submit = self.submit

        trl_current: int | None | Unset
        if isinstance(self.trl_current, Unset):
            trl_current = UNSET
        else:
            trl_current = self.trl_current

        trl_target: int | None | Unset
        if isinstance(self.trl_target, Unset):
            trl_target = UNSET
        else:
            trl_target = self.trl_target

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "contact": contact,
                "demand_type": demand_type,
                "description": description,
                "enterprise_id": enterprise_id,
                "expected_outcome": expected_outcome,
                "fields": fields,
                "title": title,
            }
        )
        if budget is not UNSET:
            field_dict["budget"] = budget
        if center_id is not UNSET:
            field_dict["center_id"] = center_id
        if city is not UNSET:
            field_dict["city"] = city
        if confidentiality is not UNSET:
            field_dict["confidentiality"] = confidentiality
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if keywords is not UNSET:
            field_dict["keywords"] = keywords
        if province is not UNSET:
            field_dict["province"] = province
        if submit is not UNSET:
            field_dict["submit"] = submit
        if trl_current is not UNSET:
            field_dict["trl_current"] = trl_current
        if trl_target is not UNSET:
            field_dict["trl_target"] = trl_target

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contact import Contact

        d = dict(src_dict)
        contact = Contact.from_dict(d.pop("contact"))

        demand_type = DemandType(d.pop("demand_type"))

        description = d.pop("description")

        enterprise_id = UUID(d.pop("enterprise_id"))

        expected_outcome = d.pop("expected_outcome")

        fields = []
        _fields = d.pop("fields")
        for fields_item_data in _fields:
            fields_item = DemandCreateFieldsItem(fields_item_data)

            fields.append(fields_item)

        title = d.pop("title")

        def _parse_budget(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        budget = _parse_budget(d.pop("budget", UNSET))

        def _parse_center_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                center_id_type_0 = UUID(data)

                return center_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        center_id = _parse_center_id(d.pop("center_id", UNSET))

        def _parse_city(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        city = _parse_city(d.pop("city", UNSET))

        _confidentiality = d.pop("confidentiality", UNSET)
        confidentiality: Confidentiality | Unset
        if isinstance(_confidentiality, Unset):
            confidentiality = UNSET
        else:
            confidentiality = Confidentiality(_confidentiality)

        def _parse_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))

        keywords = cast(list[str], d.pop("keywords", UNSET))

        def _parse_province(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        province = _parse_province(d.pop("province", UNSET))

        submit = d.pop("submit", UNSET)

        def _parse_trl_current(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        trl_current = _parse_trl_current(d.pop("trl_current", UNSET))

        def _parse_trl_target(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        trl_target = _parse_trl_target(d.pop("trl_target", UNSET))

        demand_create = cls(
            contact=contact,
            demand_type=demand_type,
            description=description,
            enterprise_id=enterprise_id,
            expected_outcome=expected_outcome,
            fields=fields,
            title=title,
            budget=budget,
            center_id=center_id,
            city=city,
            confidentiality=confidentiality,
            deadline=deadline,
            keywords=keywords,
            province=province,
            submit=submit,
            trl_current=trl_current,
            trl_target=trl_target,
        )

        return demand_create
