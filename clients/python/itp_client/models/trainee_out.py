from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TraineeOut")


@_attrs_define
class TraineeOut:
    """
    Attributes:
        allowed_actions (list[str]):
        carrier_id (UUID):
        created_at (datetime.datetime):
        ends_on (datetime.date):
        id (UUID):
        person_id (UUID):
        programme (str):
        starts_on (datetime.date):
        status (str):
        status_reason (None | str):
        supervisor_id (None | UUID):
        university (str):
        updated_at (datetime.datetime):
        version (int):
    """

    allowed_actions: list[str]
    carrier_id: UUID
    created_at: datetime.datetime
    ends_on: datetime.date
    id: UUID
    person_id: UUID
    programme: str
    starts_on: datetime.date
    status: str
    status_reason: None | str
    supervisor_id: None | UUID
    university: str
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed_actions = self.allowed_actions

        carrier_id = str(self.carrier_id)

        created_at = self.created_at.isoformat()

        ends_on = self.ends_on.isoformat()

        id = str(self.id)

        person_id = str(self.person_id)

        programme = self.programme

        starts_on = self.starts_on.isoformat()

        status = self.status

        status_reason: None | str
        status_reason = self.status_reason

        supervisor_id: None | str
        if isinstance(self.supervisor_id, UUID):
            supervisor_id = str(self.supervisor_id)
        else:
            supervisor_id = self.supervisor_id

        university = self.university

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowed_actions": allowed_actions,
                "carrier_id": carrier_id,
                "created_at": created_at,
                "ends_on": ends_on,
                "id": id,
                "person_id": person_id,
                "programme": programme,
                "starts_on": starts_on,
                "status": status,
                "status_reason": status_reason,
                "supervisor_id": supervisor_id,
                "university": university,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        allowed_actions = cast(list[str], d.pop("allowed_actions"))

        carrier_id = UUID(d.pop("carrier_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        ends_on = datetime.date.fromisoformat(d.pop("ends_on"))

        id = UUID(d.pop("id"))

        person_id = UUID(d.pop("person_id"))

        programme = d.pop("programme")

        starts_on = datetime.date.fromisoformat(d.pop("starts_on"))

        status = d.pop("status")

        def _parse_status_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status_reason = _parse_status_reason(d.pop("status_reason"))

        def _parse_supervisor_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                supervisor_id_type_0 = UUID(data)

                return supervisor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        supervisor_id = _parse_supervisor_id(d.pop("supervisor_id"))

        university = d.pop("university")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        trainee_out = cls(
            allowed_actions=allowed_actions,
            carrier_id=carrier_id,
            created_at=created_at,
            ends_on=ends_on,
            id=id,
            person_id=person_id,
            programme=programme,
            starts_on=starts_on,
            status=status,
            status_reason=status_reason,
            supervisor_id=supervisor_id,
            university=university,
            updated_at=updated_at,
            version=version,
        )

        trainee_out.additional_properties = d
        return trainee_out

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
