from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.kpi_breakdowns import KpiBreakdowns
    from ..models.kpi_contract_counts import KpiContractCounts
    from ..models.kpi_funds import KpiFunds
    from ..models.kpi_funnel import KpiFunnel
    from ..models.kpi_money import KpiMoney
    from ..models.kpi_supply import KpiSupply
    from ..models.kpis_out_breakdown_sizes import KpisOutBreakdownSizes


T = TypeVar("T", bound="KpisOut")


@_attrs_define
class KpisOut:
    """
    Attributes:
        breakdown_sizes (KpisOutBreakdownSizes): How many keys each breakdown has in all (rows are capped)
        breakdowns (KpiBreakdowns):
        contracts (KpiContractCounts):
        funds (KpiFunds):
        funnel (KpiFunnel):
        money (KpiMoney):
        supply (KpiSupply):
    """

    breakdown_sizes: KpisOutBreakdownSizes
    breakdowns: KpiBreakdowns
    contracts: KpiContractCounts
    funds: KpiFunds
    funnel: KpiFunnel
    money: KpiMoney
    supply: KpiSupply
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        breakdown_sizes = self.breakdown_sizes.to_dict()

        breakdowns = self.breakdowns.to_dict()

        contracts = self.contracts.to_dict()

        funds = self.funds.to_dict()

        funnel = self.funnel.to_dict()

        money = self.money.to_dict()

        supply = self.supply.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "breakdown_sizes": breakdown_sizes,
                "breakdowns": breakdowns,
                "contracts": contracts,
                "funds": funds,
                "funnel": funnel,
                "money": money,
                "supply": supply,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.kpi_breakdowns import KpiBreakdowns
        from ..models.kpi_contract_counts import KpiContractCounts
        from ..models.kpi_funds import KpiFunds
        from ..models.kpi_funnel import KpiFunnel
        from ..models.kpi_money import KpiMoney
        from ..models.kpi_supply import KpiSupply
        from ..models.kpis_out_breakdown_sizes import KpisOutBreakdownSizes

        d = dict(src_dict)
        breakdown_sizes = KpisOutBreakdownSizes.from_dict(d.pop("breakdown_sizes"))

        breakdowns = KpiBreakdowns.from_dict(d.pop("breakdowns"))

        contracts = KpiContractCounts.from_dict(d.pop("contracts"))

        funds = KpiFunds.from_dict(d.pop("funds"))

        funnel = KpiFunnel.from_dict(d.pop("funnel"))

        money = KpiMoney.from_dict(d.pop("money"))

        supply = KpiSupply.from_dict(d.pop("supply"))

        kpis_out = cls(
            breakdown_sizes=breakdown_sizes,
            breakdowns=breakdowns,
            contracts=contracts,
            funds=funds,
            funnel=funnel,
            money=money,
            supply=supply,
        )

        kpis_out.additional_properties = d
        return kpis_out

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
