from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.trainee_create_programme_type_0 import TraineeCreateProgrammeType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="TraineeCreate")


@_attrs_define
class TraineeCreate:
    """
    Attributes:
        carrier_id (UUID):
        ends_on (datetime.date):
        person_id (UUID):
        starts_on (datetime.date):
        university (str):
        programme (None | TraineeCreateProgrammeType0 | Unset): Defaults to the trainee role the person holds
        supervisor_id (None | Unset | UUID):
    """

    carrier_id: UUID
    ends_on: datetime.date
    person_id: UUID
    starts_on: datetime.date
    university: str
    programme: None | TraineeCreateProgrammeType0 | Unset = UNSET
    supervisor_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        carrier_id = str(self.carrier_id)

        ends_on = self.ends_on.isoformat()

        person_id = str(self.person_id)

        starts_on = self.starts_on.isoformat()

        university = self.university

        programme: None | str | Unset
        if isinstance(self.programme, Unset):
            programme = UNSET
        elif isinstance(self.programme, TraineeCreateProgrammeType0):
            programme = self.programme.value
        else:
            programme = self.programme

        supervisor_id: None | str | Unset
        if isinstance(self.supervisor_id, Unset):
            supervisor_id = UNSET
        elif isinstance(self.supervisor_id, UUID):
            supervisor_id = str(self.supervisor_id)
        else:
            supervisor_id = self.supervisor_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "carrier_id": carrier_id,
                "ends_on": ends_on,
                "person_id": person_id,
                "starts_on": starts_on,
                "university": university,
            }
        )
        if programme is not UNSET:
            field_dict["programme"] = programme
        if supervisor_id is not UNSET:
            field_dict["supervisor_id"] = supervisor_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        carrier_id = UUID(d.pop("carrier_id"))

        ends_on = datetime.date.fromisoformat(d.pop("ends_on"))

        person_id = UUID(d.pop("person_id"))

        starts_on = datetime.date.fromisoformat(d.pop("starts_on"))

        university = d.pop("university")

        def _parse_programme(
            data: object,
        ) -> None | TraineeCreateProgrammeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                programme_type_0 = TraineeCreateProgrammeType0(data)

                return programme_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TraineeCreateProgrammeType0 | Unset, data)

        programme = _parse_programme(d.pop("programme", UNSET))

        def _parse_supervisor_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                supervisor_id_type_0 = UUID(data)

                return supervisor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        supervisor_id = _parse_supervisor_id(d.pop("supervisor_id", UNSET))

        trainee_create = cls(
            carrier_id=carrier_id,
            ends_on=ends_on,
            person_id=person_id,
            starts_on=starts_on,
            university=university,
            programme=programme,
            supervisor_id=supervisor_id,
        )

        return trainee_create
