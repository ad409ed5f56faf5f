from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConversionCreate")


@_attrs_define
class ConversionCreate:
    """
    Attributes:
        commercialisation_event (str): What happened, e.g. 成立常州锂源储能材料有限公司并完成首轮融资
        occurred_on (datetime.date):
        company (None | str | Unset):
        conversion_valuation (None | str | Unset):
        stake_percent (float | None | str | Unset):
    """

    commercialisation_event: str
    occurred_on: datetime.date
    company: None | str | Unset = UNSET
    conversion_valuation: None | str | Unset = UNSET
    stake_percent: float | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        commercialisation_event = self.commercialisation_event

        occurred_on = self.occurred_on.isoformat()

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

        stake_percent: float | None | str | Unset
        if isinstance(self.stake_percent, Unset):
            stake_percent = UNSET
        else:
            stake_percent = self.stake_percent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "commercialisation_event": commercialisation_event,
                "occurred_on": occurred_on,
            }
        )
        if company is not UNSET:
            field_dict["company"] = company
        if conversion_valuation is not UNSET:
            field_dict["conversion_valuation"] = conversion_valuation
        if stake_percent is not UNSET:
            field_dict["stake_percent"] = stake_percent

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        commercialisation_event = d.pop("commercialisation_event")

        occurred_on = datetime.date.fromisoformat(d.pop("occurred_on"))

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

        def _parse_stake_percent(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        stake_percent = _parse_stake_percent(d.pop("stake_percent", UNSET))

        conversion_create = cls(
            commercialisation_event=commercialisation_event,
            occurred_on=occurred_on,
            company=company,
            conversion_valuation=conversion_valuation,
            stake_percent=stake_percent,
        )

        return conversion_create
