from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.match_decision_create_decision import MatchDecisionCreateDecision
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reason import Reason


T = TypeVar("T", bound="MatchDecisionCreate")


@_attrs_define
class MatchDecisionCreate:
    """Accept or reject a suggested carrier for a demand.

    Attributes:
        carrier_id (UUID):
        decision (MatchDecisionCreateDecision):
        demand_id (UUID):
        reason (None | Reason | Unset): Required when rejecting
    """

    carrier_id: UUID
    decision: MatchDecisionCreateDecision
    demand_id: UUID
    reason: None | Reason | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.reason import Reason

        carrier_id = str(self.carrier_id)

        decision = self.decision.value

        demand_id = str(self.demand_id)

        reason: dict[str, Any] | None | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        elif isinstance(self.reason, Reason):
            reason = self.reason.to_dict()
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "carrier_id": carrier_id,
                "decision": decision,
                "demand_id": demand_id,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.reason import Reason

        d = dict(src_dict)
        carrier_id = UUID(d.pop("carrier_id"))

        decision = MatchDecisionCreateDecision(d.pop("decision"))

        demand_id = UUID(d.pop("demand_id"))

        def _parse_reason(data: object) -> None | Reason | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reason_type_0 = Reason.from_dict(data)

                return reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Reason | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        match_decision_create = cls(
            carrier_id=carrier_id,
            decision=decision,
            demand_id=demand_id,
            reason=reason,
        )

        return match_decision_create
