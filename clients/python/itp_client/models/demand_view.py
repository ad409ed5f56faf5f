from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.demand_view_suggestions_status import DemandViewSuggestionsStatus

if TYPE_CHECKING:
    from ..models.assignment_out import AssignmentOut
    from ..models.contract_out import ContractOut
    from ..models.demand_out_contact import DemandOutContact
    from ..models.suggested_carrier_out import SuggestedCarrierOut


T = TypeVar("T", bound="DemandView")


@_attrs_define
class DemandView:
    """A demand with its suggestions, its contract and the people assigned

    Attributes:
        allowed_actions (list[str]):
        budget (None | str):
        center_id (None | UUID):
        city (None | str):
        confidentiality (str):
        contact (DemandOutContact):
        created_at (datetime.datetime):
        deadline (datetime.datetime | None):
        demand_type (str):
        description (str):
        enterprise_id (UUID):
        expected_outcome (str):
        fields (list[str]):
        id (UUID):
        keywords (list[str]):
        province (None | str):
        status (str):
        status_reason (None | str):
        title (str):
        trl_current (int | None):
        trl_target (int | None):
        updated_at (datetime.datetime):
        version (int):
        contract (ContractOut | None):
        contracts (list[ContractOut] | None): The demand's contracts
        missing (list[str]): The parts a service did not answer in time (the others are still there)
        people (list[AssignmentOut] | None): People assigned to the demand
        suggestions (list[SuggestedCarrierOut] | None): Ranked carriers; null when unavailable
        suggestions_status (DemandViewSuggestionsStatus):
    """

    allowed_actions: list[str]
    budget: None | str
    center_id: None | UUID
    city: None | str
    confidentiality: str
    contact: DemandOutContact
    created_at: datetime.datetime
    deadline: datetime.datetime | None
    demand_type: str
    description: str
    enterprise_id: UUID
    expected_outcome: str
    fields: list[str]
    id: UUID
    keywords: list[str]
    province: None | str
    status: str
    status_reason: None | str
    title: str
    trl_current: int | None
    trl_target: int | None
    updated_at: datetime.datetime
    version: int
    contract: ContractOut | None
    contracts: list[ContractOut] | None
    missing: list[str]
    people: list[AssignmentOut] | None
    suggestions: list[SuggestedCarrierOut] | None
    suggestions_status: DemandViewSuggestionsStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.contract_out import ContractOut

        allowed_actions = self.allowed_actions

        budget: None | str
        budget = self.budget

        center_id: None | str
        if isinstance(self.center_id, UUID):
            center_id = str(self.center_id)
        else:
            center_id = self.center_id

        city: None | str
        city = self.city

        confidentiality = self.confidentiality

        contact = self.contact.to_dict()

        created_at = self.created_at.isoformat()

        deadline: None | str
        if isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        demand_type = self.demand_type

        description = self.description

        enterprise_id = str(self.enterprise_id)

        expected_outcome = self.expected_outcome

        fields = self.fields

        id = str(self.id)

        keywords = self.keywords

        province: None | str
        province = self.province

        status = self.status

        status_reason: None | str
        status_reason = self.status_reason

        title = self.title

        trl_current: int | None
        trl_current = self.trl_current

        trl_target: int | None
        trl_target = self.trl_target

        updated_at = self.updated_at.isoformat()

        version = self.version

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
                "allowed_actions": allowed_actions,
                "budget": budget,
                "center_id": center_id,
                "city": city,
                "confidentiality": confidentiality,
                "contact": contact,
                "created_at": created_at,
                "deadline": deadline,
                "demand_type": demand_type,
                "description": description,
                "enterprise_id": enterprise_id,
                "expected_outcome": expected_outcome,
                "fields": fields,
                "id": id,
                "keywords": keywords,
                "province": province,
                "status": status,
                "status_reason": status_reason,
                "title": title,
                "trl_current": trl_current,
                "trl_target": trl_target,
                "updated_at": updated_at,
                "version": version,
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
        from ..models.demand_out_contact import DemandOutContact
        from ..models.suggested_carrier_out import SuggestedCarrierOut

        d = dict(src_dict)
        allowed_actions = cast(list[str], d.pop("allowed_actions"))

        def _parse_budget(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        budget = _parse_budget(d.pop("budget"))

        def _parse_center_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                center_id_type_0 = UUID(data)

                return center_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        center_id = _parse_center_id(d.pop("center_id"))

        def _parse_city(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        city = _parse_city(d.pop("city"))

        confidentiality = d.pop("confidentiality")

        contact = DemandOutContact.from_dict(d.pop("contact"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_deadline(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        deadline = _parse_deadline(d.pop("deadline"))

        demand_type = d.pop("demand_type")

        description = d.pop("description")

        enterprise_id = UUID(d.pop("enterprise_id"))

        expected_outcome = d.pop("expected_outcome")

        fields = cast(list[str], d.pop("fields"))

        id = UUID(d.pop("id"))

        keywords = cast(list[str], d.pop("keywords"))

        def _parse_province(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        province = _parse_province(d.pop("province"))

        status = d.pop("status")

        def _parse_status_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status_reason = _parse_status_reason(d.pop("status_reason"))

        title = d.pop("title")

        def _parse_trl_current(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        trl_current = _parse_trl_current(d.pop("trl_current"))

        def _parse_trl_target(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        trl_target = _parse_trl_target(d.pop("trl_target"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

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

        suggestions_status = DemandViewSuggestionsStatus(d.pop("suggestions_status"))

        demand_view = cls(
            allowed_actions=allowed_actions,
            budget=budget,
            center_id=center_id,
            city=city,
            confidentiality=confidentiality,
            contact=contact,
            created_at=created_at,
            deadline=deadline,
            demand_type=demand_type,
            description=description,
            enterprise_id=enterprise_id,
            expected_outcome=expected_outcome,
            fields=fields,
            id=id,
            keywords=keywords,
            province=province,
            status=status,
            status_reason=status_reason,
            title=title,
            trl_current=trl_current,
            trl_target=trl_target,
            updated_at=updated_at,
            version=version,
            contract=contract,
            contracts=contracts,
            missing=missing,
            people=people,
            suggestions=suggestions,
            suggestions_status=suggestions_status,
        )

        demand_view.additional_properties = d
        return demand_view

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
