from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvestmentCreate")


@_attrs_define
class InvestmentCreate:
    """
    Attributes:
        amount (str):
        company (str):
        invested_on (datetime.date): Value date (the institute's calendar); not in the future
        contract_id (None | Unset | UUID): The contract whose technology it commercialises
        note (None | str | Unset):
        stake_percent (float | None | str | Unset): The stake in the company it buys
    """

    amount: str
    company: str
    invested_on: datetime.date
    contract_id: None | Unset | UUID = UNSET
    note: None | str | Unset = UNSET
    stake_percent: float | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        company = self.company

        invested_on = self.invested_on.isoformat()

        contract_id: None | str | Unset
        if isinstance(self.contract_id, Unset):
            contract_id = UNSET
        elif isinstance(self.contract_id, UUID):
            contract_id = str(self.contract_id)
        else:
            contract_id = self.contract_id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        stake_percent: float | None | str | Unset
        if isinstance(self.stake_percent, Unset):
            stake_percent = UNSET
        else:
            stake_percent = self.stake_percent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "company": company,
                "invested_on": invested_on,
            }
        )
        if contract_id is not UNSET:
            field_dict["contract_id"] = contract_id
        if note is not UNSET:
            field_dict["note"] = note
        if stake_percent is not UNSET:
            field_dict["stake_percent"] = stake_percent

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount")

        company = d.pop("company")

        invested_on = datetime.date.fromisoformat(d.pop("invested_on"))

        def _parse_contract_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_id_type_0 = UUID(data)

                return contract_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        contract_id = _parse_contract_id(d.pop("contract_id", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_stake_percent(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        stake_percent = _parse_stake_percent(d.pop("stake_percent", UNSET))

        investment_create = cls(
            amount=amount,
            company=company,
            invested_on=invested_on,
            contract_id=contract_id,
            note=note,
            stake_percent=stake_percent,
        )

        return investment_create
