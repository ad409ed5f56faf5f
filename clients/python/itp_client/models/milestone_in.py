from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MilestoneIn")


@_attrs_define
class MilestoneIn:
    """
    Attributes:
        amount (str):
        deliverables (str):
        due_on (datetime.date):
        title (str):
        id (None | Unset | UUID): An existing milestone's id to keep it; omit for a new one
    """

    amount: str
    deliverables: str
    due_on: datetime.date
    title: str
    id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        deliverables = self.deliverables

        due_on = self.due_on.isoformat()

        title = self.title

        id: None | str | Unset
        if isinstance(self.id, Unset):
            id = UNSET
        elif isinstance(self.id, UUID):
            id = str(self.id)
        else:
            id = self.id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "deliverables": deliverables,
                "due_on": due_on,
                "title": title,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount")

        deliverables = d.pop("deliverables")

        due_on = datetime.date.fromisoformat(d.pop("due_on"))

        title = d.pop("title")

        def _parse_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                id_type_0 = UUID(data)

                return id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        id = _parse_id(d.pop("id", UNSET))

        milestone_in = cls(
            amount=amount,
            deliverables=deliverables,
            due_on=due_on,
            title=title,
            id=id,
        )

        return milestone_in
