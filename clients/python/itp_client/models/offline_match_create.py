from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.team import Team


T = TypeVar("T", bound="OfflineMatchCreate")


@_attrs_define
class OfflineMatchCreate:
    """A match a project manager made outside the suggestions (the carrier need not have been
    suggested): accepted at once, with why. To a carrier, or to a team of people: then the
    carrier that contracts is ``carrier_id``, by default the lead's employer.

        Attributes:
            demand_id (UUID):
            reason (str): Why this carrier or team, found outside the platform's suggestions (required)
            carrier_id (None | Unset | UUID): Required unless a team's lead is employed by a carrier
            team (None | Team | Unset):
    """

    demand_id: UUID
    reason: str
    carrier_id: None | Unset | UUID = UNSET
    team: None | Team | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.team import Team

        demand_id = str(self.demand_id)

        reason = self.reason

        carrier_id: None | str | Unset
        if isinstance(self.carrier_id, Unset):
            carrier_id = UNSET
        elif isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        team: dict[str, Any] | None | Unset
        if isinstance(self.team, Unset):
            team = UNSET
        elif isinstance(self.team, Team):
            team = self.team.to_dict()
        else:
            team = self.team

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "demand_id": demand_id,
                "reason": reason,
            }
        )
        if carrier_id is not UNSET:
            field_dict["carrier_id"] = carrier_id
        if team is not UNSET:
            field_dict["team"] = team

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.team import Team

        d = dict(src_dict)
        demand_id = UUID(d.pop("demand_id"))

        reason = d.pop("reason")

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

        offline_match_create = cls(
            demand_id=demand_id,
            reason=reason,
            carrier_id=carrier_id,
            team=team,
        )

        return offline_match_create
