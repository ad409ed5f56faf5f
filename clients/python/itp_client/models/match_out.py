from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_out_origin_type_0 import MatchOutOriginType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.team import Team


T = TypeVar("T", bound="MatchOut")


@_attrs_define
class MatchOut:
    """
    Attributes:
        match_id (UUID):
        carrier_id (None | Unset | UUID):
        decision (None | str | Unset):
        demand_id (None | Unset | UUID):
        origin (MatchOutOriginType0 | None | Unset): A decision on a suggestion, or a match made outside them (no
            suggestion_set_id)
        team (None | Team | Unset): The people of a match to a team
        teaser (bool | None | Unset):
    """

    match_id: UUID
    carrier_id: None | Unset | UUID = UNSET
    decision: None | str | Unset = UNSET
    demand_id: None | Unset | UUID = UNSET
    origin: MatchOutOriginType0 | None | Unset = UNSET
    team: None | Team | Unset = UNSET
    teaser: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.team import Team

        match_id = str(self.match_id)

        carrier_id: None | str | Unset
        if isinstance(self.carrier_id, Unset):
            carrier_id = UNSET
        elif isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        decision: None | str | Unset
        if isinstance(self.decision, Unset):
            decision = UNSET
        else:
            decision = self.decision

        demand_id: None | str | Unset
        if isinstance(self.demand_id, Unset):
            demand_id = UNSET
        elif isinstance(self.demand_id, UUID):
            demand_id = str(self.demand_id)
        else:
            demand_id = self.demand_id

        origin: None | str | Unset
        if isinstance(self.origin, Unset):
            origin = UNSET
        elif isinstance(self.origin, MatchOutOriginType0):
            origin = self.origin.value
        else:
            origin = self.origin

        team: dict[str, Any] | None | Unset
        if isinstance(self.team, Unset):
            team = UNSET
        elif isinstance(self.team, Team):
            team = self.team.to_dict()
        else:
            team = self.team

        teaser: bool | None | Unset
        if isinstance(self.teaser, Unset):
            teaser = UNSET
        else:
            teaser = self.teaser

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "match_id": match_id,
            }
        )
        if carrier_id is not UNSET:
            field_dict["carrier_id"] = carrier_id
        if decision is not UNSET:
            field_dict["decision"] = decision
        if demand_id is not UNSET:
            field_dict["demand_id"] = demand_id
        if origin is not UNSET:
            field_dict["origin"] = origin
        if team is not UNSET:
            field_dict["team"] = team
        if teaser is not UNSET:
            field_dict["teaser"] = teaser

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.team import Team

        d = dict(src_dict)
        match_id = UUID(d.pop("match_id"))

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

        def _parse_decision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decision = _parse_decision(d.pop("decision", UNSET))

        def _parse_demand_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                demand_id_type_0 = UUID(data)

                return demand_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        demand_id = _parse_demand_id(d.pop("demand_id", UNSET))

        def _parse_origin(data: object) -> MatchOutOriginType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                origin_type_0 = MatchOutOriginType0(data)

                return origin_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MatchOutOriginType0 | None | Unset, data)

        origin = _parse_origin(d.pop("origin", UNSET))

        def _parse_team(data: object) -> None | Team | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                team_type_0 = Team.from_dict(data)

                return team_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Team | Unset, data)

        team = _parse_team(d.pop("team", UNSET))

        def _parse_teaser(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        teaser = _parse_teaser(d.pop("teaser", UNSET))

        match_out = cls(
            match_id=match_id,
            carrier_id=carrier_id,
            decision=decision,
            demand_id=demand_id,
            origin=origin,
            team=team,
            teaser=teaser,
        )

        match_out.additional_properties = d
        return match_out

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
