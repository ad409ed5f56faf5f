from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AssignmentRequest")


@_attrs_define
class AssignmentRequest:
    """A batch of open demands to assign jointly: by ids, or everything published since a time.

    Attributes:
        demand_ids (list[UUID] | None | Unset):
        floor (float | Unset): The lowest score a proposed pair may have Default: 0.3.
        k (int | Unset): Carriers per demand, at most Default: 3.
        max_demands (int | Unset):  Default: 1000.
        published_since (datetime.datetime | None | Unset):
    """

    demand_ids: list[UUID] | None | Unset = UNSET
    floor: float | Unset = 0.3
    k: int | Unset = 3
    max_demands: int | Unset = 1000
    published_since: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        demand_ids: list[str] | None | Unset
        if isinstance(self.demand_ids, Unset):
            demand_ids = UNSET
        elif isinstance(self.demand_ids, list):
            demand_ids = []
            for demand_ids_type_0_item_data in self.demand_ids:
                demand_ids_type_0_item = str(demand_ids_type_0_item_data)
                demand_ids.append(demand_ids_type_0_item)

        else:
            demand_ids = self.demand_ids

        floor = self.floor

        k = self.k

        max_demands = self.max_demands

        published_since: None | str | Unset
        if isinstance(self.published_since, Unset):
            published_since = UNSET
        elif isinstance(self.published_since, datetime.datetime):
            published_since = self.published_since.isoformat()
        else:
            published_since = self.published_since

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if demand_ids is not UNSET:
            field_dict["demand_ids"] = demand_ids
        if floor is not UNSET:
            field_dict["floor"] = floor
        if k is not UNSET:
            field_dict["k"] = k
        if max_demands is not UNSET:
            field_dict["max_demands"] = max_demands
        if published_since is not UNSET:
            field_dict["published_since"] = published_since

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_demand_ids(data: object) -> list[UUID] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                demand_ids_type_0 = []
                _demand_ids_type_0 = data
                for demand_ids_type_0_item_data in _demand_ids_type_0:
                    demand_ids_type_0_item = UUID(demand_ids_type_0_item_data)

                    demand_ids_type_0.append(demand_ids_type_0_item)

                return demand_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[UUID] | None | Unset, data)

        demand_ids = _parse_demand_ids(d.pop("demand_ids", UNSET))

        floor = d.pop("floor", UNSET)

        k = d.pop("k", UNSET)

        max_demands = d.pop("max_demands", UNSET)

        def _parse_published_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                published_since_type_0 = datetime.datetime.fromisoformat(data)

                return published_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        published_since = _parse_published_since(d.pop("published_since", UNSET))

        assignment_request = cls(
            demand_ids=demand_ids,
            floor=floor,
            k=k,
            max_demands=max_demands,
            published_since=published_since,
        )

        return assignment_request
