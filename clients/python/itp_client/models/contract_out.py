from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.contract_out_amendment_type_0 import ContractOutAmendmentType0
    from ..models.contract_out_conversion_type_0 import ContractOutConversionType0
    from ..models.contract_out_investment_type_0 import ContractOutInvestmentType0
    from ..models.contract_out_signing_type_0 import ContractOutSigningType0
    from ..models.milestone_out import MilestoneOut


T = TypeVar("T", bound="ContractOut")


@_attrs_define
class ContractOut:
    """
    Attributes:
        allowed_actions (list[str]):
        amendment (ContractOutAmendmentType0 | None):
        carrier_id (UUID):
        center_id (None | UUID):
        completed_at (datetime.datetime | None):
        confidentiality (str):
        confidentiality_years (int | None):
        contract_type (str):
        contract_version (int):
        conversion (ContractOutConversionType0 | None):
        created_at (datetime.datetime):
        created_by (None | str):
        currency (str):
        demand_id (None | UUID):
        ends_on (datetime.date | None):
        enterprise_id (UUID):
        id (UUID):
        investment (ContractOutInvestmentType0 | None):
        ip_carrier_share (None | str):
        ip_enterprise_share (None | str):
        ip_ownership (None | str):
        match_id (None | UUID):
        milestones (list[MilestoneOut]):
        milestones_total (str):
        outstanding (str):
        paid_total (str):
        project_manager_id (None | UUID):
        scope (None | str):
        signed_at (datetime.datetime | None):
        signed_month (None | str):
        signing (ContractOutSigningType0 | None): The version being signed, its signatures and what is missing
        starts_on (datetime.date | None):
        status (str):
        terminated_at (datetime.datetime | None):
        termination_reason (None | str):
        title (str):
        updated_at (datetime.datetime):
        value (str):
        version (int):
    """

    allowed_actions: list[str]
    amendment: ContractOutAmendmentType0 | None
    carrier_id: UUID
    center_id: None | UUID
    completed_at: datetime.datetime | None
    confidentiality: str
    confidentiality_years: int | None
    contract_type: str
    contract_version: int
    conversion: ContractOutConversionType0 | None
    created_at: datetime.datetime
    created_by: None | str
    currency: str
    demand_id: None | UUID
    ends_on: datetime.date | None
    enterprise_id: UUID
    id: UUID
    investment: ContractOutInvestmentType0 | None
    ip_carrier_share: None | str
    ip_enterprise_share: None | str
    ip_ownership: None | str
    match_id: None | UUID
    milestones: list[MilestoneOut]
    milestones_total: str
    outstanding: str
    paid_total: str
    project_manager_id: None | UUID
    scope: None | str
    signed_at: datetime.datetime | None
    signed_month: None | str
    signing: ContractOutSigningType0 | None
    starts_on: datetime.date | None
    status: str
    terminated_at: datetime.datetime | None
    termination_reason: None | str
    title: str
    updated_at: datetime.datetime
    value: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.contract_out_amendment_type_0 import ContractOutAmendmentType0
        from ..models.contract_out_conversion_type_0 import ContractOutConversionType0
        from ..models.contract_out_investment_type_0 import ContractOutInvestmentType0
        from ..models.contract_out_signing_type_0 import ContractOutSigningType0

        allowed_actions = self.allowed_actions

        amendment: dict[str, Any] | None
        if isinstance(self.amendment, ContractOutAmendmentType0):
            amendment = self.amendment.to_dict()
        else:
            amendment = self.amendment

        carrier_id = str(self.carrier_id)

        center_id: None | str
        if isinstance(self.center_id, UUID):
            center_id = str(self.center_id)
        else:
            center_id = self.center_id

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        confidentiality = self.confidentiality

        confidentiality_years: int | None
        confidentiality_years = self.confidentiality_years

        contract_type = self.contract_type

        contract_version = self.contract_version

        conversion: dict[str, Any] | None
        if isinstance(self.conversion, ContractOutConversionType0):
            conversion = self.conversion.to_dict()
        else:
            conversion = self.conversion

        created_at = self.created_at.isoformat()

        created_by: None | str
        created_by = self.created_by

        currency = self.currency

        demand_id: None | str
        if isinstance(self.demand_id, UUID):
            demand_id = str(self.demand_id)
        else:
            demand_id = self.demand_id

        ends_on: None | str
        if isinstance(self.ends_on, datetime.date):
            ends_on = self.ends_on.isoformat()
        else:
            ends_on = self.ends_on

        enterprise_id = str(self.enterprise_id)

        id = str(self.id)

        investment: dict[str, Any] | None
        if isinstance(self.investment, ContractOutInvestmentType0):
            investment = self.investment.to_dict()
        else:
            investment = self.investment

        ip_carrier_share: None | str
        ip_carrier_share = self.ip_carrier_share

        ip_enterprise_share: None | str
        ip_enterprise_share = self.ip_enterprise_share

        ip_ownership: None | str
        ip_ownership = self.ip_ownership

        match_id: None | str
        if isinstance(self.match_id, UUID):
            match_id = str(self.match_id)
        else:
            match_id = self.match_id

        milestones = []
        for milestones_item_data in self.milestones:
            milestones_item = milestones_item_data.to_dict()
            milestones.append(milestones_item)

        milestones_total = self.milestones_total

        outstanding = self.outstanding

        paid_total = self.paid_total

        project_manager_id: None | str
        if isinstance(self.project_manager_id, UUID):
            project_manager_id = str(self.project_manager_id)
        else:
            project_manager_id = self.project_manager_id

        scope: None | str
        scope = self.scope

        signed_at: None | str
        if isinstance(self.signed_at, datetime.datetime):
            signed_at = self.signed_at.isoformat()
        else:
            signed_at = self.signed_at

        signed_month: None | str
        signed_month = self.signed_month

        signing: dict[str, Any] | None
        if isinstance(self.signing, ContractOutSigningType0):
            signing = self.signing.to_dict()
        else:
            signing = self.signing

        starts_on: None | str
        if isinstance(self.starts_on, datetime.date):
            starts_on = self.starts_on.isoformat()
        else:
            starts_on = self.starts_on

        status = self.status

        terminated_at: None | str
        if isinstance(self.terminated_at, datetime.datetime):
            terminated_at = self.terminated_at.isoformat()
        else:
            terminated_at = self.terminated_at

        termination_reason: None | str
        termination_reason = self.termination_reason

        title = self.title

        updated_at = self.updated_at.isoformat()

        value = self.value

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowed_actions": allowed_actions,
                "amendment": amendment,
                "carrier_id": carrier_id,
                "center_id": center_id,
                "completed_at": completed_at,
                "confidentiality": confidentiality,
                "confidentiality_years": confidentiality_years,
                "contract_type": contract_type,
                "contract_version": contract_version,
                "conversion": conversion,
                "created_at": created_at,
                "created_by": created_by,
                "currency": currency,
                "demand_id": demand_id,
                "ends_on": ends_on,
                "enterprise_id": enterprise_id,
                "id": id,
                "investment": investment,
                "ip_carrier_share": ip_carrier_share,
                "ip_enterprise_share": ip_enterprise_share,
                "ip_ownership": ip_ownership,
                "match_id": match_id,
                "milestones": milestones,
                "milestones_total": milestones_total,
                "outstanding": outstanding,
                "paid_total": paid_total,
                "project_manager_id": project_manager_id,
                "scope": scope,
                "signed_at": signed_at,
                "signed_month": signed_month,
                "signing": signing,
                "starts_on": starts_on,
                "status": status,
                "terminated_at": terminated_at,
                "termination_reason": termination_reason,
                "title": title,
                "updated_at": updated_at,
                "value": value,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.contract_out_amendment_type_0 import ContractOutAmendmentType0
        from ..models.contract_out_conversion_type_0 import ContractOutConversionType0
        from ..models.contract_out_investment_type_0 import ContractOutInvestmentType0
        from ..models.contract_out_signing_type_0 import ContractOutSigningType0
        from ..models.milestone_out import MilestoneOut

        d = dict(src_dict)
        allowed_actions = cast(list[str], d.pop("allowed_actions"))

        def _parse_amendment(data: object) -> ContractOutAmendmentType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                amendment_type_0 = ContractOutAmendmentType0.from_dict(data)

                return amendment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContractOutAmendmentType0 | None, data)

        amendment = _parse_amendment(d.pop("amendment"))

        carrier_id = UUID(d.pop("carrier_id"))

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

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        confidentiality = d.pop("confidentiality")

        def _parse_confidentiality_years(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        confidentiality_years = _parse_confidentiality_years(
            d.pop("confidentiality_years")
        )

        contract_type = d.pop("contract_type")

        contract_version = d.pop("contract_version")

        def _parse_conversion(data: object) -> ContractOutConversionType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                conversion_type_0 = ContractOutConversionType0.from_dict(data)

                return conversion_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContractOutConversionType0 | None, data)

        conversion = _parse_conversion(d.pop("conversion"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        currency = d.pop("currency")

        def _parse_demand_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                demand_id_type_0 = UUID(data)

                return demand_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        demand_id = _parse_demand_id(d.pop("demand_id"))

        def _parse_ends_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_on_type_0 = datetime.date.fromisoformat(data)

                return ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        ends_on = _parse_ends_on(d.pop("ends_on"))

        enterprise_id = UUID(d.pop("enterprise_id"))

        id = UUID(d.pop("id"))

        def _parse_investment(data: object) -> ContractOutInvestmentType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                investment_type_0 = ContractOutInvestmentType0.from_dict(data)

                return investment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContractOutInvestmentType0 | None, data)

        investment = _parse_investment(d.pop("investment"))

        def _parse_ip_carrier_share(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip_carrier_share = _parse_ip_carrier_share(d.pop("ip_carrier_share"))

        def _parse_ip_enterprise_share(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip_enterprise_share = _parse_ip_enterprise_share(d.pop("ip_enterprise_share"))

        def _parse_ip_ownership(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip_ownership = _parse_ip_ownership(d.pop("ip_ownership"))

        def _parse_match_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                match_id_type_0 = UUID(data)

                return match_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        match_id = _parse_match_id(d.pop("match_id"))

        milestones = []
        _milestones = d.pop("milestones")
        for milestones_item_data in _milestones:
            milestones_item = MilestoneOut.from_dict(milestones_item_data)

            milestones.append(milestones_item)

        milestones_total = d.pop("milestones_total")

        outstanding = d.pop("outstanding")

        paid_total = d.pop("paid_total")

        def _parse_project_manager_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                project_manager_id_type_0 = UUID(data)

                return project_manager_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        project_manager_id = _parse_project_manager_id(d.pop("project_manager_id"))

        def _parse_scope(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        scope = _parse_scope(d.pop("scope"))

        def _parse_signed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signed_at_type_0 = datetime.datetime.fromisoformat(data)

                return signed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        signed_at = _parse_signed_at(d.pop("signed_at"))

        def _parse_signed_month(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        signed_month = _parse_signed_month(d.pop("signed_month"))

        def _parse_signing(data: object) -> ContractOutSigningType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                signing_type_0 = ContractOutSigningType0.from_dict(data)

                return signing_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContractOutSigningType0 | None, data)

        signing = _parse_signing(d.pop("signing"))

        def _parse_starts_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_on_type_0 = datetime.date.fromisoformat(data)

                return starts_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        starts_on = _parse_starts_on(d.pop("starts_on"))

        status = d.pop("status")

        def _parse_terminated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                terminated_at_type_0 = datetime.datetime.fromisoformat(data)

                return terminated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        terminated_at = _parse_terminated_at(d.pop("terminated_at"))

        def _parse_termination_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        termination_reason = _parse_termination_reason(d.pop("termination_reason"))

        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        value = d.pop("value")

        version = d.pop("version")

        contract_out = cls(
            allowed_actions=allowed_actions,
            amendment=amendment,
            carrier_id=carrier_id,
            center_id=center_id,
            completed_at=completed_at,
            confidentiality=confidentiality,
            confidentiality_years=confidentiality_years,
            contract_type=contract_type,
            contract_version=contract_version,
            conversion=conversion,
            created_at=created_at,
            created_by=created_by,
            currency=currency,
            demand_id=demand_id,
            ends_on=ends_on,
            enterprise_id=enterprise_id,
            id=id,
            investment=investment,
            ip_carrier_share=ip_carrier_share,
            ip_enterprise_share=ip_enterprise_share,
            ip_ownership=ip_ownership,
            match_id=match_id,
            milestones=milestones,
            milestones_total=milestones_total,
            outstanding=outstanding,
            paid_total=paid_total,
            project_manager_id=project_manager_id,
            scope=scope,
            signed_at=signed_at,
            signed_month=signed_month,
            signing=signing,
            starts_on=starts_on,
            status=status,
            terminated_at=terminated_at,
            termination_reason=termination_reason,
            title=title,
            updated_at=updated_at,
            value=value,
            version=version,
        )

        contract_out.additional_properties = d
        return contract_out

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
