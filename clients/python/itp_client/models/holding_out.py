from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.holding_out_kind import HoldingOutKind

T = TypeVar("T", bound="HoldingOut")


@_attrs_define
class HoldingOut:
    """
    Attributes:
        amount (str): What was invested, or the grant that converted
        company (str):
        contract_id (None | UUID):
        equity_percent (None | str): The stake in the company
        fund_id (None | UUID):
        held_since (datetime.date):
        id (UUID): The fund investment's id, or the converted contract's
        institute_percent (None | str): The institute's own share: direct, or through the fund
        kind (HoldingOutKind):
    """

    amount: str
    company: str
    contract_id: None | UUID
    equity_percent: None | str
    fund_id: None | UUID
    held_since: datetime.date
    id: UUID
    institute_percent: None | str
    kind: HoldingOutKind
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        company = self.company

        contract_id: None | str
        if isinstance(self.contract_id, UUID):
            contract_id = str(self.contract_id)
        else:
            contract_id = self.contract_id

        equity_percent: None | str
        equity_percent = self.equity_percent

        fund_id: None | str
        if isinstance(self.fund_id, UUID):
            fund_id = str(self.fund_id)
        else:
            fund_id = self.fund_id

        held_since = self.held_since.isoformat()

        id = str(self.id)

        institute_percent: None | str
        institute_percent = self.institute_percent

        kind = self.kind.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "company": company,
                "contract_id": contract_id,
                "equity_percent": equity_percent,
                "fund_id": fund_id,
                "held_since": held_since,
                "id": id,
                "institute_percent": institute_percent,
                "kind": kind,
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

        def _parse_equity_percent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        equity_percent = _parse_equity_percent(d.pop("equity_percent"))

        def _parse_fund_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                fund_id_type_0 = UUID(data)

                return fund_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        fund_id = _parse_fund_id(d.pop("fund_id"))

        held_since = datetime.date.fromisoformat(d.pop("held_since"))

        id = UUID(d.pop("id"))

        def _parse_institute_percent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        institute_percent = _parse_institute_percent(d.pop("institute_percent"))

        kind = HoldingOutKind(d.pop("kind"))

        holding_out = cls(
            amount=amount,
            company=company,
            contract_id=contract_id,
            equity_percent=equity_percent,
            fund_id=fund_id,
            held_since=held_since,
            id=id,
            institute_percent=institute_percent,
            kind=kind,
        )

        holding_out.additional_properties = d
        return holding_out

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
