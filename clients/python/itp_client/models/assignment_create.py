from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.target_type import TargetType
from ..types import UNSET, Unset

T = TypeVar("T", bound="AssignmentCreate")


@_attrs_define
class AssignmentCreate:
    """A project manager to a demand or a contract, a researcher to a contract with a role, or
    a carrier to a demand or a contract.

        Attributes:
            role (str): project_manager, or the researcher's role on the contract (principal_investigator, engineer...)
            target_id (UUID):
            target_type (TargetType):
            carrier_id (None | Unset | UUID):
            person_id (None | Unset | UUID):
    """

    role: str
    target_id: UUID
    target_type: TargetType
    carrier_id: None | Unset | UUID = UNSET
    person_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        role = self.role

        target_id = str(self.target_id)

        target_type = self.target_type.value

        carrier_id: None | str | Unset
        if isinstance(self.carrier_id, Unset):
            carrier_id = UNSET
        elif isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        person_id: None | str | Unset
        if isinstance(self.person_id, Unset):
            person_id = UNSET
        elif isinstance(self.person_id, UUID):
            person_id = str(self.person_id)
        else:
            person_id = self.person_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "role": role,
                "target_id": target_id,
                "target_type": target_type,
            }
        )
        if carrier_id is not UNSET:
            field_dict["carrier_id"] = carrier_id
        if person_id is not UNSET:
            field_dict["person_id"] = person_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        role = d.pop("role")

        target_id = UUID(d.pop("target_id"))

        target_type = TargetType(d.pop("target_type"))

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

        def _parse_person_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                person_id_type_0 = UUID(data)

                return person_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        person_id = _parse_person_id(d.pop("person_id", UNSET))

        assignment_create = cls(
            role=role,
            target_id=target_id,
            target_type=target_type,
            carrier_id=carrier_id,
            person_id=person_id,
        )

        return assignment_create
