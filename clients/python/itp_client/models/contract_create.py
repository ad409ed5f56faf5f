from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.confidentiality import Confidentiality
from ..models.contract_type import ContractType
from ..models.ip_ownership import IpOwnership
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.investment_in import InvestmentIn
    from ..models.milestone_in import MilestoneIn


T = TypeVar("T", bound="ContractCreate")


@_attrs_define
class ContractCreate:
    """Draft a contract for an accepted match. When this service has seen the match, the parties,
    project manager, center, title, type and value come from it; otherwise give them.

        Attributes:
            match_id (UUID):
            carrier_id (None | Unset | UUID):
            center_id (None | Unset | UUID):
            confidentiality (Confidentiality | None | Unset):
            confidentiality_years (int | None | Unset):
            contract_type (ContractType | None | Unset):
            demand_id (None | Unset | UUID):
            ends_on (datetime.date | None | Unset):
            enterprise_id (None | Unset | UUID):
            investment (InvestmentIn | None | Unset):
            ip_carrier_share (float | None | str | Unset): Joint ownership only
            ip_enterprise_share (float | None | str | Unset): Joint ownership only
            ip_ownership (IpOwnership | None | Unset):
            milestones (list[MilestoneIn] | None | Unset):
            project_manager_id (None | Unset | UUID):
            scope (None | str | Unset): The work to be done
            starts_on (datetime.date | None | Unset):
            title (None | str | Unset):
            value (None | str | Unset): Contract value in CNY, e.g. "3200000.00"
    """

    match_id: UUID
    carrier_id: None | Unset | UUID = UNSET
    center_id: None | Unset | UUID = UNSET
    confidentiality: Confidentiality | None | Unset = UNSET
    confidentiality_years: int | None | Unset = UNSET
    contract_type: ContractType | None | Unset = UNSET
    demand_id: None | Unset | UUID = UNSET
    ends_on: datetime.date | None | Unset = UNSET
    enterprise_id: None | Unset | UUID = UNSET
    investment: InvestmentIn | None | Unset = UNSET
    ip_carrier_share: float | None | str | Unset = UNSET
    ip_enterprise_share: float | None | str | Unset = UNSET
    ip_ownership: IpOwnership | None | Unset = UNSET
    milestones: list[MilestoneIn] | None | Unset = UNSET
    project_manager_id: None | Unset | UUID = UNSET
    scope: None | str | Unset = UNSET
    starts_on: datetime.date | None | Unset = UNSET
    title: None | str | Unset = UNSET
    value: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.investment_in import InvestmentIn

        match_id = str(self.match_id)

        carrier_id: None | str | Unset
        if isinstance(self.carrier_id, Unset):
            carrier_id = UNSET
        elif isinstance(self.carrier_id, UUID):
            carrier_id = str(self.carrier_id)
        else:
            carrier_id = self.carrier_id

        center_id: None | str | Unset
        if isinstance(self.center_id, Unset):
            center_id = UNSET
        elif isinstance(self.center_id, UUID):
            center_id = str(self.center_id)
        else:
            center_id = self.center_id

        confidentiality: None | str | Unset
        if isinstance(self.confidentiality, Unset):
            confidentiality = UNSET
        elif isinstance(self.confidentiality, Confidentiality):
            confidentiality = self.confidentiality.value
        else:
            confidentiality = self.confidentiality

        confidentiality_years: int | None | Unset
        if isinstance(self.confidentiality_years, Unset):
            confidentiality_years = UNSET
        else:
            confidentiality_years = self.confidentiality_years

        contract_type: None | str | Unset
        if isinstance(self.contract_type, Unset):
            contract_type = UNSET
        elif isinstance(self.contract_type, ContractType):
            contract_type = self.contract_type.value
        else:
            contract_type = self.contract_type

        demand_id: None | str | Unset
        if isinstance(self.demand_id, Unset):
            demand_id = UNSET
        elif isinstance(self.demand_id, UUID):
            demand_id = str(self.demand_id)
        else:
            demand_id = self.demand_id

        ends_on: None | str | Unset
        if isinstance(self.ends_on, Unset):
            ends_on = UNSET
        elif isinstance(self.ends_on, datetime.date):
            ends_on = self.ends_on.isoformat()
        else:
            ends_on = self.ends_on

        enterprise_id: None | str | Unset
        if isinstance(self.enterprise_id, Unset):
            enterprise_id = UNSET
        elif isinstance(self.enterprise_id, UUID):
            enterprise_id = str(self.enterprise_id)
        else:
            enterprise_id = self.enterprise_id

        investment: dict[str, Any] | None | Unset
        if isinstance(self.investment, Unset):
            investment = UNSET
        elif isinstance(self.investment, InvestmentIn):
            investment = self.investment.to_dict()
        else:
            investment = self.investment

        ip_carrier_share: float | None | str | Unset
        if isinstance(self.ip_carrier_share, Unset):
            ip_carrier_share = UNSET
        else:
            ip_carrier_share = self.ip_carrier_share

        ip_enterprise_share: float | None | str | Unset
        if isinstance(self.ip_enterprise_share, Unset):
            ip_enterprise_share = UNSET
        else:
            ip_enterprise_share = self.ip_enterprise_share

        ip_ownership: None | str | Unset
        if isinstance(self.ip_ownership, Unset):
            ip_ownership = UNSET
        elif isinstance(self.ip_ownership, IpOwnership):
            ip_ownership = self.ip_ownership.value
        else:
            ip_ownership = self.ip_ownership

        milestones: list[dict[str, Any]] | None | Unset
        if isinstance(self.milestones, Unset):
            milestones = UNSET
        elif isinstance(self.milestones, list):
            milestones = []
            for milestones_type_0_item_data in self.milestones:
                milestones_type_0_item = milestones_type_0_item_data.to_dict()
                milestones.append(milestones_type_0_item)

        else:
            milestones = self.milestones

        project_manager_id: None | str | Unset
        if isinstance(self.project_manager_id, Unset):
            project_manager_id = UNSET
        elif isinstance(self.project_manager_id, UUID):
            project_manager_id = str(self.project_manager_id)
        else:
            project_manager_id = self.project_manager_id

        scope: None | str | Unset
        if isinstance(self.scope, Unset):
            scope = UNSET
        else:
            scope = self.scope

        starts_on: None | str | Unset
        if isinstance(self.starts_on, Unset):
            starts_on = UNSET
        elif isinstance(self.starts_on, datetime.date):
            starts_on = self.starts_on.isoformat()
        else:
            starts_on = self.starts_on

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        value: None | str | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "match_id": match_id,
            }
        )
        if carrier_id is not UNSET:
            field_dict["carrier_id"] = carrier_id
        if center_id is not UNSET:
            field_dict["center_id"] = center_id
        if confidentiality is not UNSET:
            field_dict["confidentiality"] = confidentiality
        if confidentiality_years is not UNSET:
            field_dict["confidentiality_years"] = confidentiality_years
        if contract_type is not UNSET:
            field_dict["contract_type"] = contract_type
        if demand_id is not UNSET:
            field_dict["demand_id"] = demand_id
        if ends_on is not UNSET:
            field_dict["ends_on"] = ends_on
        if enterprise_id is not UNSET:
            field_dict["enterprise_id"] = enterprise_id
        if investment is not UNSET:
            field_dict["investment"] = investment
        if ip_carrier_share is not UNSET:
            field_dict["ip_carrier_share"] = ip_carrier_share
        if ip_enterprise_share is not UNSET:
            field_dict["ip_enterprise_share"] = ip_enterprise_share
        if ip_ownership is not UNSET:
            field_dict["ip_ownership"] = ip_ownership
        if milestones is not UNSET:
            field_dict["milestones"] = milestones
        if project_manager_id is not UNSET:
            field_dict["project_manager_id"] = project_manager_id
        if scope is not UNSET:
            field_dict["scope"] = scope
        if starts_on is not UNSET:
            field_dict["starts_on"] = starts_on
        if title is not UNSET:
            field_dict["title"] = title
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.investment_in import InvestmentIn
        from ..models.milestone_in import MilestoneIn

        d = dict(src_dict)
        match_id = UUID(d.pop("match_id"))

        def _parse_carrier_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                carrier_id_type_0 = UUID(data)

                return carrier_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        carrier_id = _parse_carrier_id(d.pop("carrier_id", UNSET))

        def _parse_center_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                center_id_type_0 = UUID(data)

                return center_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        center_id = _parse_center_id(d.pop("center_id", UNSET))

        def _parse_confidentiality(data: object) -> Confidentiality | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                confidentiality_type_0 = Confidentiality(data)

                return confidentiality_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Confidentiality | None | Unset, data)

        confidentiality = _parse_confidentiality(d.pop("confidentiality", UNSET))

        def _parse_confidentiality_years(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        confidentiality_years = _parse_confidentiality_years(
            d.pop("confidentiality_years", UNSET)
        )

        def _parse_contract_type(data: object) -> ContractType | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                contract_type_type_0 = ContractType(data)

                return contract_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ContractType | None | Unset, data)

        contract_type = _parse_contract_type(d.pop("contract_type", UNSET))

        def _parse_demand_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                demand_id_type_0 = UUID(data)

                return demand_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        demand_id = _parse_demand_id(d.pop("demand_id", UNSET))

        def _parse_ends_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_on_type_0 = datetime.date.fromisoformat(data)

                return ends_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        ends_on = _parse_ends_on(d.pop("ends_on", UNSET))

        def _parse_enterprise_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                enterprise_id_type_0 = UUID(data)

                return enterprise_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        enterprise_id = _parse_enterprise_id(d.pop("enterprise_id", UNSET))

        def _parse_investment(data: object) -> InvestmentIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                investment_type_0 = InvestmentIn.from_dict(data)

                return investment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvestmentIn | None | Unset, data)

        investment = _parse_investment(d.pop("investment", UNSET))

        def _parse_ip_carrier_share(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        ip_carrier_share = _parse_ip_carrier_share(d.pop("ip_carrier_share", UNSET))

        def _parse_ip_enterprise_share(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        ip_enterprise_share = _parse_ip_enterprise_share(
            d.pop("ip_enterprise_share", UNSET)
        )

        def _parse_ip_ownership(data: object) -> IpOwnership | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ip_ownership_type_0 = IpOwnership(data)

                return ip_ownership_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IpOwnership | None | Unset, data)

        ip_ownership = _parse_ip_ownership(d.pop("ip_ownership", UNSET))

        def _parse_milestones(data: object) -> list[MilestoneIn] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                milestones_type_0 = []
                _milestones_type_0 = data
                for milestones_type_0_item_data in _milestones_type_0:
                    milestones_type_0_item = MilestoneIn.from_dict(
                        milestones_type_0_item_data
                    )

                    milestones_type_0.append(milestones_type_0_item)

                return milestones_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[MilestoneIn] | None | Unset, data)

        milestones = _parse_milestones(d.pop("milestones", UNSET))

        def _parse_project_manager_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                project_manager_id_type_0 = UUID(data)

                return project_manager_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        project_manager_id = _parse_project_manager_id(
            d.pop("project_manager_id", UNSET)
        )

        def _parse_scope(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scope = _parse_scope(d.pop("scope", UNSET))

        def _parse_starts_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_on_type_0 = datetime.date.fromisoformat(data)

                return starts_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        starts_on = _parse_starts_on(d.pop("starts_on", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        contract_create = cls(
            match_id=match_id,
            carrier_id=carrier_id,
            center_id=center_id,
            confidentiality=confidentiality,
            confidentiality_years=confidentiality_years,
            contract_type=contract_type,
            demand_id=demand_id,
            ends_on=ends_on,
            enterprise_id=enterprise_id,
            investment=investment,
            ip_carrier_share=ip_carrier_share,
            ip_enterprise_share=ip_enterprise_share,
            ip_ownership=ip_ownership,
            milestones=milestones,
            project_manager_id=project_manager_id,
            scope=scope,
            starts_on=starts_on,
            title=title,
            value=value,
        )

        return contract_create
