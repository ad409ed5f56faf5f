from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.carrier_out import CarrierOut
    from ..models.contract_out import ContractOut
    from ..models.inbox_item_out import InboxItemOut


T = TypeVar("T", bound="CarrierInbox")


@_attrs_define
class CarrierInbox:
    """
    Attributes:
        carrier (CarrierOut):
        contracts (list[ContractOut] | None): The carrier's contracts
        missing (list[str]): The parts a service did not answer in time (the others are still there)
        suggested_demands (list[InboxItemOut] | None): Open demands the carrier is suggested for
    """

    carrier: CarrierOut
    contracts: list[ContractOut] | None
    missing: list[str]
    suggested_demands: list[InboxItemOut] | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        carrier = self.carrier.to_dict()

        contracts: list[dict[str, Any]] | None
        if isinstance(self.contracts, list):
            contracts = []
            for contracts_type_0_item_data in self.contracts:
                contracts_type_0_item = contracts_type_0_item_data.to_dict()
                contracts.append(contracts_type_0_item)

        else:
            contracts = self.contracts

        missing = self.missing

        suggested_demands: list[dict[str, Any]] | None
        if isinstance(self.suggested_demands, list):
            suggested_demands = []
            for suggested_demands_type_0_item_data in self.suggested_demands:
                suggested_demands_type_0_item = (
                    suggested_demands_type_0_item_data.to_dict()
                )
                suggested_demands.append(suggested_demands_type_0_item)

        else:
            suggested_demands = self.suggested_demands

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "carrier": carrier,
                "contracts": contracts,
                "missing": missing,
                "suggested_demands": suggested_demands,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.carrier_out import CarrierOut
        from ..models.contract_out import ContractOut
        from ..models.inbox_item_out import InboxItemOut

        d = dict(src_dict)
        carrier = CarrierOut.from_dict(d.pop("carrier"))

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

        missing = cast(list[str], d.pop("missing"))

        def _parse_suggested_demands(data: object) -> list[InboxItemOut] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                suggested_demands_type_0 = []
                _suggested_demands_type_0 = data
                for suggested_demands_type_0_item_data in _suggested_demands_type_0:
                    suggested_demands_type_0_item = InboxItemOut.from_dict(
                        suggested_demands_type_0_item_data
                    )

                    suggested_demands_type_0.append(suggested_demands_type_0_item)

                return suggested_demands_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[InboxItemOut] | None, data)

        suggested_demands = _parse_suggested_demands(d.pop("suggested_demands"))

        carrier_inbox = cls(
            carrier=carrier,
            contracts=contracts,
            missing=missing,
            suggested_demands=suggested_demands,
        )

        carrier_inbox.additional_properties = d
        return carrier_inbox

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
