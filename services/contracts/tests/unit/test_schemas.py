"""The edge: request bodies refuse what is wrong with a field path, and turn into domain values."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from services.contracts.domain import InvestmentTerms, MilestoneSpec, Party
from services.contracts.schemas import ContractCreate, ConversionCreate, InvestmentIn, PaymentCreate, TermsIn
from services.contracts.service import party_for
from shared.auth import Actor, Role
from shared.calendar import DateRange, institute_tz
from shared.problems import Problem


def _errors(model: type[Any], data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [".".join(str(p) for p in e["loc"]) for e in info.value.errors()]


def test_only_the_fields_sent_are_changes_as_domain_values() -> None:
    mid = uuid.uuid4()
    t = TermsIn.model_validate(
        {
            "value": "3200000.00",
            "milestones": [
                {"id": str(mid), "title": "小试", "deliverables": "报告", "due_on": "2026-07-31", "amount": "3200000"}
            ],
            "investment": {"grant_amount": "2000000", "company": "常州锂源储能材料有限公司", "stake_percent": "8.5"},
        }
    )
    changes = t.changes()
    assert set(changes) == {"value", "milestones", "investment"}
    assert changes["value"] == Decimal("3200000.00")
    assert changes["milestones"] == [MilestoneSpec("小试", "报告", date(2026, 7, 31), Decimal("3200000"), mid)]
    assert isinstance(changes["investment"], InvestmentTerms) and changes["investment"].stake_percent == Decimal("8.5")
    assert TermsIn.model_validate({"investment": None}).changes() == {"investment": None}


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"value": "1.001"}, "value"),
        ({"value": 1.5}, "value"),  # a JSON float may already be inexact: strings only
        ({"value": 1000}, "value"),  # and a whole number too: one rule, exact strings
        ({"value": "-1"}, "value"),
        ({"title": "短"}, "title"),
        ({"ip_ownership": "joint", "ip_enterprise_share": "60", "ip_carrier_share": "41"}, ""),
        ({"ip_ownership": "carrier", "ip_carrier_share": "100"}, ""),
        ({"ip_enterprise_share": "100.5"}, "ip_enterprise_share"),
        ({"starts_on": "2027-01-01", "ends_on": "2026-01-01"}, ""),
        ({"confidentiality_years": 0}, "confidentiality_years"),
        ({"contract_type": "technology_licensing"}, "contract_type"),
        ({"milestones": None}, ""),
        (
            {"milestones": [{"title": "阶段一", "deliverables": "报告", "due_on": "2026-05-01", "amount": "0"}]},
            "milestones.0.amount",
        ),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_terms_refuse_bad_fields(data: dict[str, Any], where: str) -> None:
    assert any(loc == where or loc.startswith(where) for loc in _errors(TermsIn, data))


@pytest.mark.parametrize(
    "inv",
    [
        {"grant_amount": "0"},
        {"grant_amount": "100", "stake_percent": "0"},
        {"grant_amount": "100", "stake_percent": "100.00001"},
        {"grant_amount": "100", "stake_percent": "5", "conversion_valuation": "1000"},
        {"grant_amount": "100", "conversion_valuation": "99"},
        {
            "grant_amount": "100",
            "team_holding_percent": "70",
            "equity_incentive_percent": "20",
            "stake_percent": "10.01",
        },
        {"grant_amount": "100", "equity_incentive_percent": "-0.01"},
    ],
)
def test_investment_terms_refuse_bad_percentages_and_valuations(inv: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        InvestmentIn.model_validate(inv)


def test_create_needs_a_match_and_the_rest_is_optional() -> None:
    assert _errors(ContractCreate, {}) == ["match_id"]
    assert ContractCreate.model_validate({"match_id": str(uuid.uuid4())}).changes() == {}


def test_payment_and_conversion_bodies() -> None:
    assert _errors(PaymentCreate, {"amount": "0.00"}) == ["amount"]
    assert PaymentCreate.model_validate({"amount": "0.01"}).amount == Decimal("0.01")
    both = {
        "commercialisation_event": "成立公司",
        "occurred_on": "2027-01-01",
        "stake_percent": "5",
        "conversion_valuation": "100",
    }
    assert _errors(ConversionCreate, both) == [""]


def _actor(*roles: Role) -> Actor:
    return Actor(subject="u", roles=frozenset(roles), enterprise_id=uuid.uuid4(), carrier_id=uuid.uuid4())


def test_the_signing_party_is_inferred_for_party_users_only() -> None:
    assert party_for(_actor(Role.ENTERPRISE_USER), None) is Party.ENTERPRISE
    assert party_for(_actor(Role.CARRIER_USER), None) is Party.CARRIER
    assert party_for(_actor(Role.OPERATOR), Party.CARRIER) is Party.CARRIER
    for roles in ((Role.OPERATOR,), (Role.ENTERPRISE_USER, Role.CARRIER_USER)):
        with pytest.raises(Problem) as info:
            party_for(_actor(*roles), None)
        assert info.value.status == 422


def test_date_filters_are_whole_days_in_china_time() -> None:
    start, end = DateRange(date(2026, 4, 1), date(2026, 4, 30)).bounds()
    assert start is not None and end is not None
    assert start.astimezone(institute_tz()).isoformat() == "2026-04-01T00:00:00+08:00"
    assert end.astimezone(institute_tz()).isoformat() == "2026-05-01T00:00:00+08:00"
    assert start.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
