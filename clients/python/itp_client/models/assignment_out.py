from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AssignmentOut")


@_attrs_define
class AssignmentOut:
    """
    Attributes:
        carrier_id (None | UUID):
        id (UUID):
        made_at (datetime.datetime):
        made_by (None | str):
        person_id (None | UUID):
        release_reason (None | str):
        released_at (datetime.datetime | None):
        role (str):
        source (str):
        status (str):
        target_id (UUID):
        target_type (str):
        version (int):
    """

    carrier_id: None | UUID
    id: UUID
    made_at: datetime.datetime
    made_by: None | str
    person_id: None | UUID
    release_reason: None | str
    released_at: datetime.datetime | None
    role: str
    source: str
    status: str
    target_id: UUID
    target_type: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier_id: None | str
        if isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        id = str(self.id)

        made_at = self.made_at.isoformat()

        made_by: None | str
        made_by = self.made_by

        person_id: None | str
        if isinstance(self.person_id, UUID):
            person_id = str(self.person_id)
        else:
            person_id = self.person_id

        release_reason: None | str
        release_reason = self.release_reason

        released_at: None | str
        if isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        role = self.role

        source = self.source

        status = self.status

        target_id = str(self.target_id)

        target_type = self.target_type

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier_id": carrier_id,
                "id": id,
                "made_at": made_at,
                "made_by": made_by,
                "person_id": person_id,
                "release_reason": release_reason,
                "released_at": released_at,
                "role": role,
                "source": source,
                "status": status,
                "target_id": target_id,
                "target_type": target_type,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

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

        id = UUID(d.pop("id"))

        made_at = datetime.datetime.fromisoformat(d.pop("made_at"))

        def _parse_made_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        made_by = _parse_made_by(d.pop("made_by"))

        def _parse_person_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                person_id_type_0 = UUID(data)

                return person_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        person_id = _parse_person_id(d.pop("person_id"))

        def _parse_release_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        release_reason = _parse_release_reason(d.pop("release_reason"))

        def _parse_released_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        released_at = _parse_released_at(d.pop("released_at"))

        role = d.pop("role")

        source = d.pop("source")

        status = d.pop("status")

        target_id = UUID(d.pop("target_id"))

        target_type = d.pop("target_type")

        version = d.pop("version")

        assignment_out = cls(
            carrier_id=carrier_id,
            id=id,
            made_at=made_at,
            made_by=made_by,
            person_id=person_id,
            release_reason=release_reason,
            released_at=released_at,
            role=role,
            source=source,
            status=status,
            target_id=target_id,
            target_type=target_type,
            version=version,
        )

        assignment_out.additional_properties = d
        return assignment_out

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
