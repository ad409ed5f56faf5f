from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="FundCreate")


@_attrs_define
class FundCreate:
    """
    Attributes:
        committed_capital (str): The fund's total committed capital (CNY)
        established_on (datetime.date): The day it was established (the institute's calendar); not in the future
        institute_commitment (str): The institute's own commitment; its stake (commitment / capital) must lie within
            policy
        manager (str): The fund's manager (general partner)
        name (str): e.g. 江苏产业技术研究院创新投资基金
    """

    committed_capital: str
    established_on: datetime.date
    institute_commitment: str
    manager: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        committed_capital = self.committed_capital

        established_on = self.established_on.isoformat()

        institute_commitment = self.institute_commitment

        manager = self.manager

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "committed_capital": committed_capital,
                "established_on": established_on,
                "institute_commitment": institute_commitment,
                "manager": manager,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        committed_capital = d.pop("committed_capital")

        established_on = datetime.date.fromisoformat(d.pop("established_on"))

        institute_commitment = d.pop("institute_commitment")

        manager = d.pop("manager")

        name = d.pop("name")

        fund_create = cls(
            committed_capital=committed_capital,
            established_on=established_on,
            institute_commitment=institute_commitment,
            manager=manager,
            name=name,
        )

        return fund_create
