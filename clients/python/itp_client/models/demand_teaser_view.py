from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.demand_teaser_view_suggestions_status import (
    DemandTeaserViewSuggestionsStatus,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.assignment_out import AssignmentOut
    from ..models.contract_out import ContractOut
    from ..models.suggested_carrier_out import SuggestedCarrierOut


T = TypeVar("T", bound="DemandTeaserView")


@_attrs_define
class DemandTeaserView:
    """A confidential demand's teaser (the caller has no access) with what may be shown of its parts

    Attributes:
        id (UUID):
        teaser (bool):
        title (str):
        contract (ContractOut | None):
        contracts (list[ContractOut] | None): The demand's contracts
        missing (list[str]): The parts a service did not answer in time (the others are still there)
        people (list[AssignmentOut] | None): People assigned to the demand
        suggestions (list[SuggestedCarrierOut] | None): Ranked carriers; null when unavailable
        suggestions_status (DemandTeaserViewSuggestionsStatus):
        budget_band (None | str | Unset):
        confidentiality (None | str | Unset):
        demand_type (None | str | Unset):
        fields (list[str] | Unset):
        status (None | str | Unset):
    """

    id: UUID
    teaser: bool
    title: str
    contract: ContractOut | None
    contracts: list[ContractOut] | None
    missing: list[str]
    people: list[AssignmentOut] | None
    suggestions: list[SuggestedCarrierOut] | None
    suggestions_status: DemandTeaserViewSuggestionsStatus
    budget_band: None | str | Unset = UNSET
    confidentiality: None | str | Unset = UNSET
    demand_type: None | str | Unset = UNSET
    fields: list[str] | Unset = UNSET
    status: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.contract_out import ContractOut

        id = str(self.id)

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

        budget_band: None | str | Unset
        if isinstance(self.budget_band, Unset):
            budget_band = UNSET
        else:
            budget_band = self.budget_band

        confidentiality: None | str | Unset
        if isinstance(self.confidentiality, Unset):
            confidentiality = UNSET
        else:
            confidentiality = self.confidentiality

        demand_type: None | str | Unset
        if isinstance(self.demand_type, Unset):
            demand_type = UNSET
        else:
            demand_type = self.demand_type

        fields: list[str] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        else:
            status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
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
        if budget_band is not UNSET:
            field_dict["budget_band"] = budget_band
        if confidentiality is not UNSET:
            field_dict["confidentiality"] = confidentiality
        if demand_type is not UNSET:
            field_dict["demand_type"] = demand_type
        if fields is not UNSET:
            field_dict["fields"] = fields
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.assignment_out import AssignmentOut
        from ..models.contract_out import ContractOut
        from ..models.suggested_carrier_out import SuggestedCarrierOut

        d = dict(src_dict)
        id = UUID(d.pop("id"))

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

        def _parse_budget_band(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        budget_band = _parse_budget_band(d.pop("budget_band", UNSET))

        def _parse_confidentiality(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        confidentiality = _parse_confidentiality(d.pop("confidentiality", UNSET))

        def _parse_demand_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        demand_type = _parse_demand_type(d.pop("demand_type", UNSET))

        fields = cast(list[str], d.pop("fields", UNSET))

        def _parse_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        demand_teaser_view = cls(
            id=id,
            teaser=teaser,
            title=title,
            contract=contract,
            contracts=contracts,
            missing=missing,
            people=people,
            suggestions=suggestions,
            suggestions_status=suggestions_status,
            budget_band=budget_band,
            confidentiality=confidentiality,
            demand_type=demand_type,
            fields=fields,
            status=status,
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
