from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="TeamMember")


@_attrs_define
class TeamMember:
    """
    Attributes:
        person_id (UUID):
        role (str): The person's role in the team (principal_investigator, engineer...)
    """

    person_id: UUID
    role: str

    def to_dict(self) -> dict[str, Any]:
        person_id = str(self.person_id)

        role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "person_id": person_id,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        person_id = UUID(d.pop("person_id"))

        role = d.pop("role")

        team_member = cls(
            person_id=person_id,
            role=role,
        )

        return team_member
