from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MilestoneOut")


@_attrs_define
class MilestoneOut:
    """
    Attributes:
        accepted_at (datetime.datetime | None):
        allowed_actions (list[str]):
        amount (str):
        cancelled_at (datetime.datetime | None):
        deliverables (str):
        delivered_at (datetime.datetime | None):
        delivery_note (None | str):
        due_on (datetime.date):
        id (UUID):
        outstanding (str):
        paid_amount (str):
        paid_at (datetime.datetime | None):
        position (int):
        rejected_at (datetime.datetime | None):
        rejection_reason (None | str):
        rejections (int):
        status (str):
        title (str):
    """

    accepted_at: datetime.datetime | None
    allowed_actions: list[str]
    amount: str
    cancelled_at: datetime.datetime | None
    deliverables: str
    delivered_at: datetime.datetime | None
    delivery_note: None | str
    due_on: datetime.date
    id: UUID
    outstanding: str
    paid_amount: str
    paid_at: datetime.datetime | None
    position: int
    rejected_at: datetime.datetime | None
    rejection_reason: None | str
    rejections: int
    status: str
    title: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accepted_at: None | str
        if isinstance(self.accepted_at, datetime.datetime):
            accepted_at = self.accepted_at.isoformat()
        else:
            accepted_at = self.accepted_at

        allowed_actions = self.allowed_actions

        amount = self.amount

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        deliverables = self.deliverables

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        delivery_note: None | str
        delivery_note = self.delivery_note

        due_on = self.due_on.isoformat()

        id = str(self.id)

        outstanding = self.outstanding

        paid_amount = self.paid_amount

        paid_at: None | str
        if isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        position = self.position

        rejected_at: None | str
        if isinstance(self.rejected_at, datetime.datetime):
            rejected_at = self.rejected_at.isoformat()
        else:
            rejected_at = self.rejected_at

        rejection_reason: None | str
        rejection_reason = self.rejection_reason

        rejections = self.rejections

        status = self.status

        title = self.title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accepted_at": accepted_at,
                "allowed_actions": allowed_actions,
                "amount": amount,
                "cancelled_at": cancelled_at,
                "deliverables": deliverables,
                "delivered_at": delivered_at,
                "delivery_note": delivery_note,
                "due_on": due_on,
                "id": id,
                "outstanding": outstanding,
                "paid_amount": paid_amount,
                "paid_at": paid_at,
                "position": position,
                "rejected_at": rejected_at,
                "rejection_reason": rejection_reason,
                "rejections": rejections,
                "status": status,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_accepted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                accepted_at_type_0 = datetime.datetime.fromisoformat(data)

                return accepted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        accepted_at = _parse_accepted_at(d.pop("accepted_at"))

        allowed_actions = cast(list[str], d.pop("allowed_actions"))

        amount = d.pop("amount")

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at"))

        deliverables = d.pop("deliverables")

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        def _parse_delivery_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        delivery_note = _parse_delivery_note(d.pop("delivery_note"))

        due_on = datetime.date.fromisoformat(d.pop("due_on"))

        id = UUID(d.pop("id"))

        outstanding = d.pop("outstanding")

        paid_amount = d.pop("paid_amount")

        def _parse_paid_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paid_at = _parse_paid_at(d.pop("paid_at"))

        position = d.pop("position")

        def _parse_rejected_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rejected_at_type_0 = datetime.datetime.fromisoformat(data)

                return rejected_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        rejected_at = _parse_rejected_at(d.pop("rejected_at"))

        def _parse_rejection_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rejection_reason = _parse_rejection_reason(d.pop("rejection_reason"))

        rejections = d.pop("rejections")

        status = d.pop("status")

        title = d.pop("title")

        milestone_out = cls(
            accepted_at=accepted_at,
            allowed_actions=allowed_actions,
            amount=amount,
            cancelled_at=cancelled_at,
            deliverables=deliverables,
            delivered_at=delivered_at,
            delivery_note=delivery_note,
            due_on=due_on,
            id=id,
            outstanding=outstanding,
            paid_amount=paid_amount,
            paid_at=paid_at,
            position=position,
            rejected_at=rejected_at,
            rejection_reason=rejection_reason,
            rejections=rejections,
            status=status,
            title=title,
        )

        milestone_out.additional_properties = d
        return milestone_out

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
