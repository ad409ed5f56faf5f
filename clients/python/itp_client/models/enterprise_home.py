from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.contract_out import ContractOut
    from ..models.enterprise_out import EnterpriseOut
    from ..models.home_demand import HomeDemand


T = TypeVar("T", bound="EnterpriseHome")


@_attrs_define
class EnterpriseHome:
    """
    Attributes:
        contracts (list[ContractOut] | None): The enterprise's contracts
        demands (list[HomeDemand]):
        enterprise (EnterpriseOut):
        missing (list[str]): The parts a service did not answer in time (the others are still there)
    """

    contracts: list[ContractOut] | None
    demands: list[HomeDemand]
    enterprise: EnterpriseOut
    missing: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        contracts: list[dict[str, Any]] | None
        if isinstance(self.contracts, list):
            contracts = []
            for contracts_type_0_item_data in self.contracts:
                contracts_type_0_item = contracts_type_0_item_data.to_dict()
                contracts.append(contracts_type_0_item)

        else:
            contracts = self.contracts

        demands = []
        for demands_item_data in self.demands:
            demands_item = demands_item_data.to_dict()
            demands.append(demands_item)

        enterprise = self.enterprise.to_dict()

        missing = self.missing

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contracts": contracts,
                "demands": demands,
                "enterprise": enterprise,
                "missing": missing,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contract_out import ContractOut
        from ..models.enterprise_out import EnterpriseOut
        from ..models.home_demand import HomeDemand

        d = dict(src_dict)

        def _parse_contracts(data: object) -> list[ContractOut] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                contracts_type_0 = []
                _contracts_type_0 = data
                for contracts_type_0_item_data in _contracts_type_0:
                    contracts_type_0_item = ContractOut.from_dict(
                        contracts_type_0_item_data
                    )

                    contracts_type_0.append(contracts_type_0_item)

                return contracts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ContractOut] | None, data)

        contracts = _parse_contracts(d.pop("contracts"))

        demands = []
        _demands = d.pop("demands")
        for demands_item_data in _demands:
            demands_item = HomeDemand.from_dict(demands_item_data)

            demands.append(demands_item)

        enterprise = EnterpriseOut.from_dict(d.pop("enterprise"))

        missing = cast(list[str], d.pop("missing"))

        enterprise_home = cls(
            contracts=contracts,
            demands=demands,
            enterprise=enterprise,
            missing=missing,
        )

        enterprise_home.additional_properties = d
        return enterprise_home

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
