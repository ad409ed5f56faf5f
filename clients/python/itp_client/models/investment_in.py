from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvestmentIn")


@_attrs_define
class InvestmentIn:
    """Allocation and investment: the institute's grant and what it converts into.

    Attributes:
        grant_amount (str):
        company (None | str | Unset): The company whose equity the grant becomes (may be named at conversion)
        conversion_valuation (None | str | Unset): Or an agreed valuation: stake = grant / valuation x 100
        equity_incentive_percent (float | None | str | Unset):
        stake_percent (float | None | str | Unset): An agreed stake for the grant
        team_holding_percent (float | None | str | Unset):
    """

    grant_amount: str
    company: None | str | Unset = UNSET
    conversion_valuation: None | str | Unset = UNSET
    equity_incentive_percent: float | None | str | Unset = UNSET
    stake_percent: float | None | str | Unset = UNSET
    team_holding_percent: float | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        grant_amount = self.grant_amount

        company: None | str | Unset
        if isinstance(self.company, Unset):
            company = UNSET
        else:
            company = self.company

        conversion_valuation: None | str | Unset
        if isinstance(self.conversion_valuation, Unset):
            conversion_valuation = UNSET
        else:
            conversion_valuation = self.conversion_valuation

        equity_incentive_percent: float | None | str | Unset
        if isinstance(self.equity_incentive_percent, Unset):
            equity_incentive_percent = UNSET
        else:
            equity_incentive_percent = self.equity_incentive_percent

        stake_percent: float | None | str | Unset
        if isinstance(self.stake_percent, Unset):
            stake_percent = UNSET
        else:
            stake_percent = self.stake_percent

        team_holding_percent: float | None | str | Unset
        if isinstance(self.team_holding_percent, Unset):
            team_holding_percent = UNSET
        else:
            team_holding_percent = self.team_holding_percent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_amount": grant_amount,
            }
        )
        if company is not UNSET:
            field_dict["company"] = company
        if conversion_valuation is not UNSET:
            field_dict["conversion_valuation"] = conversion_valuation
        if equity_incentive_percent is not UNSET:
            field_dict["equity_incentive_percent"] = equity_incentive_percent
        if stake_percent is not UNSET:
            field_dict["stake_percent"] = stake_percent
        if team_holding_percent is not UNSET:
            field_dict["team_holding_percent"] = team_holding_percent

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        grant_amount = d.pop("grant_amount")

        def _parse_company(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        company = _parse_company(d.pop("company", UNSET))

        def _parse_conversion_valuation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        conversion_valuation = _parse_conversion_valuation(
            d.pop("conversion_valuation", UNSET)
        )

        def _parse_equity_incentive_percent(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        equity_incentive_percent = _parse_equity_incentive_percent(
            d.pop("equity_incentive_percent", UNSET)
        )

        def _parse_stake_percent(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        stake_percent = _parse_stake_percent(d.pop("stake_percent", UNSET))

        def _parse_team_holding_percent(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        team_holding_percent = _parse_team_holding_percent(
            d.pop("team_holding_percent", UNSET)
        )

        investment_in = cls(
            grant_amount=grant_amount,
            company=company,
            conversion_valuation=conversion_valuation,
            equity_incentive_percent=equity_incentive_percent,
            stake_percent=stake_percent,
            team_holding_percent=team_holding_percent,
        )

        return investment_in
