from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvestmentOut")


@_attrs_define
class InvestmentOut:
    """
    Attributes:
        amount (str):
        company (str):
        contract_id (None | UUID):
        created_at (datetime.datetime):
        fund_id (UUID):
        id (UUID):
        institute_look_through_percent (None | str): The stake x the institute's stake in the fund
        invested_on (datetime.date):
        note (None | str):
        stake_percent (None | str):
    """

    amount: str
    company: str
    contract_id: None | UUID
    created_at: datetime.datetime
    fund_id: UUID
    id: UUID
    institute_look_through_percent: None | str
    invested_on: datetime.date
    note: None | str
    stake_percent: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        company = self.company

        contract_id: None | str
        if isinstance(self.contract_id, UUID):
            contract_id = str(self.contract_id)
        else:
            contract_id = self.contract_id

        created_at = self.created_at.isoformat()

        fund_id = str(self.fund_id)

        id = str(self.id)

        institute_look_through_percent: None | str
        institute_look_through_percent = self.institute_look_through_percent

        invested_on = self.invested_on.isoformat()

        note: None | str
        note = self.note

        stake_percent: None | str
        stake_percent = self.stake_percent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "company": company,
                "contract_id": contract_id,
                "created_at": created_at,
                "fund_id": fund_id,
                "id": id,
                "institute_look_through_percent": institute_look_through_percent,
                "invested_on": invested_on,
                "note": note,
                "stake_percent": stake_percent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount")

        company = d.pop("company")

        def _parse_contract_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_id_type_0 = UUID(data)

                return contract_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        contract_id = _parse_contract_id(d.pop("contract_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        fund_id = UUID(d.pop("fund_id"))

        id = UUID(d.pop("id"))

        def _parse_institute_look_through_percent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        institute_look_through_percent = _parse_institute_look_through_percent(
            d.pop("institute_look_through_percent")
        )

        invested_on = datetime.date.fromisoformat(d.pop("invested_on"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        def _parse_stake_percent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stake_percent = _parse_stake_percent(d.pop("stake_percent"))

        investment_out = cls(
            amount=amount,
            company=company,
            contract_id=contract_id,
            created_at=created_at,
            fund_id=fund_id,
            id=id,
            institute_look_through_percent=institute_look_through_percent,
            invested_on=invested_on,
            note=note,
            stake_percent=stake_percent,
        )

        investment_out.additional_properties = d
        return investment_out

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
