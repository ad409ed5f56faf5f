from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.assignment_out import AssignmentOut
    from ..models.contract_out import ContractOut
    from ..models.demand_out import DemandOut


T = TypeVar("T", bound="Worklist")


@_attrs_define
class Worklist:
    """
    Attributes:
        assignments (list[AssignmentOut] | None): The project manager's assignments
        contracts (list[ContractOut] | None): Contracts the project manager follows
        demands_awaiting_review (list[DemandOut] | None): Submitted demands, oldest first
        missing (list[str]): The parts a service did not answer in time (the others are still there)
    """

    assignments: list[AssignmentOut] | None
    contracts: list[ContractOut] | None
    demands_awaiting_review: list[DemandOut] | None
    missing: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignments: list[dict[str, Any]] | None
        if isinstance(self.assignments, list):
            assignments = []
            for assignments_type_0_item_data in self.assignments:
                assignments_type_0_item = assignments_type_0_item_data.to_dict()
                assignments.append(assignments_type_0_item)

        else:
            assignments = self.assignments

        contracts: list[dict[str, Any]] | None
        if isinstance(self.contracts, list):
            contracts = []
            for contracts_type_0_item_data in self.contracts:
                contracts_type_0_item = contracts_type_0_item_data.to_dict()
                contracts.append(contracts_type_0_item)

        else:
            contracts = self.contracts

        demands_awaiting_review: list[dict[str, Any]] | None
        if isinstance(self.demands_awaiting_review, list):
            demands_awaiting_review = []
            for (
                demands_awaiting_review_type_0_item_data
            ) in self.demands_awaiting_review:
                demands_awaiting_review_type_0_item = (
                    demands_awaiting_review_type_0_item_data.to_dict()
                )
                demands_awaiting_review.append(demands_awaiting_review_type_0_item)

        else:
            demands_awaiting_review = self.demands_awaiting_review

        missing = self.missing

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assignments": assignments,
                "contracts": contracts,
                "demands_awaiting_review": demands_awaiting_review,
                "missing": missing,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.assignment_out import AssignmentOut
        from ..models.contract_out import ContractOut
        from ..models.demand_out import DemandOut

        d = dict(src_dict)

        def _parse_assignments(data: object) -> list[AssignmentOut] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                assignments_type_0 = []
                _assignments_type_0 = data
                for assignments_type_0_item_data in _assignments_type_0:
                    assignments_type_0_item = AssignmentOut.from_dict(
                        assignments_type_0_item_data
                    )

                    assignments_type_0.append(assignments_type_0_item)

                return assignments_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AssignmentOut] | None, data)

        assignments = _parse_assignments(d.pop("assignments"))

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

        def _parse_demands_awaiting_review(data: object) -> list[DemandOut] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                demands_awaiting_review_type_0 = []
                _demands_awaiting_review_type_0 = data
                for (
                    demands_awaiting_review_type_0_item_data
                ) in _demands_awaiting_review_type_0:
                    demands_awaiting_review_type_0_item = DemandOut.from_dict(
                        demands_awaiting_review_type_0_item_data
                    )

                    demands_awaiting_review_type_0.append(
                        demands_awaiting_review_type_0_item
                    )

                return demands_awaiting_review_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[DemandOut] | None, data)

        demands_awaiting_review = _parse_demands_awaiting_review(
            d.pop("demands_awaiting_review")
        )

        missing = cast(list[str], d.pop("missing"))

        worklist = cls(
            assignments=assignments,
            contracts=contracts,
            demands_awaiting_review=demands_awaiting_review,
            missing=missing,
        )

        worklist.additional_properties = d
        return worklist

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
