from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.demand_teaser_view_suggestions_status import (
    DemandTeaserViewSuggestionsStatus,
)

if TYPE_CHECKING:
    from ..models.assignment_out import AssignmentOut
    from ..models.contract_out import ContractOut
    from ..models.suggested_carrier_out import SuggestedCarrierOut


T = TypeVar("T", bound="DemandTeaserView")


@_attrs_define
class DemandTeaserView:
    """A confidential demand's teaser (the caller has no access) with what may be shown of its parts

    Attributes:
        budget_band (None | str):
        confidentiality (str):
        demand_type (str):
        fields (list[str]):
        id (UUID):
        status (str):
        teaser (bool):
        title (str):
        contract (ContractOut | None):
        contracts (list[ContractOut] | None): The demand's contracts
        missing (list[str]): The parts a service did not answer in time (the others are still there)
        people (list[AssignmentOut] | None): People assigned to the demand
        suggestions (list[SuggestedCarrierOut] | None): Ranked carriers; null when unavailable
        suggestions_status (DemandTeaserViewSuggestionsStatus):
    """

    budget_band: None | str
    confidentiality: str
    demand_type: str
    fields: list[str]
    id: UUID
    status: str
    teaser: bool
    title: str
    contract: ContractOut | None
    contracts: list[ContractOut] | None
    missing: list[str]
    people: list[AssignmentOut] | None
    suggestions: list[SuggestedCarrierOut] | None
    suggestions_status: DemandTeaserViewSuggestionsStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.contract_out import ContractOut

        budget_band: None | str
        budget_band = self.budget_band

        confidentiality = self.confidentiality

        demand_type = self.demand_type

        fields = self.fields

        id = str(self.id)

        status = self.status

        teaser = self.teaser

        title = self.title

        contract: dict[str, Any] | None
        if isinstance(self.contract, ContractOut):
            contract = self.contract.to_dict()
        else:
            contract = self.contract

        contracts: list[dict[str, Any]] | None
        if isinstance(self.contracts, list):
            contracts = []
            for contracts_type_0_item_data in self.contracts:
                contracts_type_0_item = contracts_type_0_item_data.to_dict()
                contracts.append(contracts_type_0_item)

        else:
            contracts = self.contracts

        missing = self.missing

        people: list[dict[str, Any]] | None
        if isinstance(self.people, list):
            people = []
            for people_type_0_item_data in self.people:
                people_type_0_item = people_type_0_item_data.to_dict()
                people.append(people_type_0_item)

        else:
            people = self.people

        suggestions: list[dict[str, Any]] | None
        if isinstance(self.suggestions, list):
            suggestions = []
            for suggestions_type_0_item_data in self.suggestions:
                suggestions_type_0_item = suggestions_type_0_item_data.to_dict()
                suggestions.append(suggestions_type_0_item)

        else:
            suggestions = self.suggestions

        suggestions_status = self.suggestions_status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "budget_band": budget_band,
                "confidentiality": confidentiality,
                "demand_type": demand_type,
                "fields": fields,
                "id": id,
                "status": status,
                "teaser": teaser,
                "title": title,
                "contract": contract,
                "contracts": contracts,
                "missing": missing,
                "people": people,
                "suggestions": suggestions,
                "suggestions_status": suggestions_status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.assignment_out import AssignmentOut
        from ..models.contract_out import ContractOut
        from ..models.suggested_carrier_out import SuggestedCarrierOut

        d = dict(src_dict)

        def _parse_budget_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        budget_band = _parse_budget_band(d.pop("budget_band"))

        confidentiality = d.pop("confidentiality")

        demand_type = d.pop("demand_type")

        fields = cast(list[str], d.pop("fields"))

        id = UUID(d.pop("id"))

        status = d.pop("status")

        teaser = d.pop("teaser")

        title = d.pop("title")

        def _parse_contract(data: object) -> ContractOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                contract_type_0 = ContractOut.from_dict(data)

                return contract_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContractOut | None, data)

        contract = _parse_contract(d.pop("contract"))

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

        def _parse_people(data: object) -> list[AssignmentOut] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                people_type_0 = []
                _people_type_0 = data
                for people_type_0_item_data in _people_type_0:
                    people_type_0_item = AssignmentOut.from_dict(
                        people_type_0_item_data
                    )

                    people_type_0.append(people_type_0_item)

                return people_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AssignmentOut] | None, data)

        people = _parse_people(d.pop("people"))

        def _parse_suggestions(data: object) -> list[SuggestedCarrierOut] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                suggestions_type_0 = []
                _suggestions_type_0 = data
                for suggestions_type_0_item_data in _suggestions_type_0:
                    suggestions_type_0_item = SuggestedCarrierOut.from_dict(
                        suggestions_type_0_item_data
                    )

                    suggestions_type_0.append(suggestions_type_0_item)

                return suggestions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[SuggestedCarrierOut] | None, data)

        suggestions = _parse_suggestions(d.pop("suggestions"))

        suggestions_status = DemandTeaserViewSuggestionsStatus(
            d.pop("suggestions_status")
        )

        demand_teaser_view = cls(
            budget_band=budget_band,
            confidentiality=confidentiality,
            demand_type=demand_type,
            fields=fields,
            id=id,
            status=status,
            teaser=teaser,
            title=title,
            contract=contract,
            contracts=contracts,
            missing=missing,
            people=people,
            suggestions=suggestions,
            suggestions_status=suggestions_status,
        )

        demand_teaser_view.additional_properties = d
        return demand_teaser_view

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
