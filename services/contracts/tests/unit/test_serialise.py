"""The JSON forms derived from the domain's dataclasses are the documents the history, proposals
and the API have always stored and shown (same keys, same order, same strings), and read back."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from services.contracts.domain import ContractType, Conversion, Milestone, MilestoneStatus, Party, Signature, Terms
from services.contracts.tests.unit.factories import M1, ready_terms
from shared.records import column, from_doc, to_json

AT = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)


def test_terms_as_stored() -> None:
    doc = to_json(ready_terms())
    assert list(doc) == [
        "contract_type",
        "title",
        "value",
        "scope",
        "starts_on",
        "ends_on",
        "ip_ownership",
        "ip_enterprise_share",
        "ip_carrier_share",
        "confidentiality",
        "confidentiality_years",
        "milestones",
        "investment",
    ]
    assert (doc["contract_type"], doc["value"], doc["starts_on"], doc["ip_ownership"]) == (
        "technology_development",
        "3200000.00",
        "2026-04-15",
        "joint",
    )
    assert doc["milestones"][0] == {
        "id": str(M1),
        "title": "小试配方确定",
        "deliverables": "小试报告与样品",
        "due_on": "2026-07-31",
        "amount": "960000.00",
    }
    assert doc["investment"] == {
        "grant_amount": "2000000.00",
        "company": "常州锂源储能材料有限公司",
        "stake_percent": None,
        "conversion_valuation": None,
        "team_holding_percent": "60.00",
        "equity_incentive_percent": "10.00",
    }
    assert from_doc(Terms, doc) == ready_terms()


def test_a_document_without_optional_keys_keeps_the_defaults() -> None:
    t = from_doc(Terms, {"contract_type": "technology_service", "title": "检测服务", "value": "10.00"})
    assert t == Terms(ContractType.SERVICE, "检测服务", Decimal("10.00"))
    assert from_doc(Terms, {**to_json(t), "investment": {}}).investment is None


def test_signatures_and_conversions_as_stored() -> None:
    s = Signature(Party.ENTERPRISE, "法定代表人 张伟", "user-1", AT)
    assert to_json(s) == {
        "party": "enterprise",
        "signed_by": "法定代表人 张伟",
        "subject": "user-1",
        "signed_at": "2026-05-01T08:30:00+00:00",
    }
    c = Conversion(
        "常州锂源", Decimal("2000000.00"), Decimal("8.5000"), Decimal("23529411.76"), "成立公司", date(2026, 5, 1), AT
    )
    assert to_json(c)["equity_percent"] == "8.5000" and to_json(c)["occurred_on"] == "2026-05-01"
    assert from_doc(Signature, to_json(s)) == s and from_doc(Conversion, to_json(c)) == c
    assert to_json(None) is None


def test_a_row_reads_back_with_its_typed_values() -> None:
    m = Milestone(
        uuid.uuid4(), 1, "小试", "报告", date(2026, 7, 31), Decimal("100.00"), MilestoneStatus.PAID, Decimal("100.00")
    )
    row = {"contract_id": uuid.uuid4(), **{k: column(v) for k, v in vars(m).items()}}
    assert row["status"] == "paid" and from_doc(Milestone, row) == m
