from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.team_member import TeamMember


T = TypeVar("T", bound="Team")


@_attrs_define
class Team:
    """Two or more people (each with free capacity) led by one of them.

    Attributes:
        lead_person_id (UUID):
        members (list[TeamMember]):
    """

    lead_person_id: UUID
    members: list[TeamMember]

    def to_dict(self) -> dict[str, Any]:
        lead_person_id = str(self.lead_person_id)

        members = []
        for members_item_data in self.members:
            members_item = members_item_data.to_dict()
            members.append(members_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lead_person_id": lead_person_id,
                "members": members,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.team_member import TeamMember

        d = dict(src_dict)
        lead_person_id = UUID(d.pop("lead_person_id"))

        members = []
        _members = d.pop("members")
        for members_item_data in _members:
            members_item = TeamMember.from_dict(members_item_data)

            members.append(members_item)

        team = cls(
            lead_person_id=lead_person_id,
            members=members,
        )

        return team
