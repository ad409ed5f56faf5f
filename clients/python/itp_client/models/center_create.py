from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.center_create_status import CenterCreateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CenterCreate")


@_attrs_define
class CenterCreate:
    """
    Attributes:
        committed_funding (str):
        established_on (datetime.date):
        name (str):
        status (CenterCreateStatus | Unset):  Default: CenterCreateStatus.ACTIVE.
    """

    committed_funding: str
    established_on: datetime.date
    name: str
    status: CenterCreateStatus | Unset = CenterCreateStatus.ACTIVE

    def to_dict(self) -> dict[str, Any]:
        committed_funding = self.committed_funding

        established_on = self.established_on.isoformat()

        name = self.name

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "committed_funding": committed_funding,
                "established_on": established_on,
                "name": name,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        committed_funding = d.pop("committed_funding")

        established_on = datetime.date.fromisoformat(d.pop("established_on"))

        name = d.pop("name")

        _status = d.pop("status", UNSET)
        status: CenterCreateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = CenterCreateStatus(_status)

        center_create = cls(
            committed_funding=committed_funding,
            established_on=established_on,
            name=name,
            status=status,
        )

        return center_create
