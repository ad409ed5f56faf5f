"""Builders of contract test data: realistic terms, contracts in every state. No I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.contracts.domain import (
    Confidentiality,
    Contract,
    ContractStatus,
    ContractType,
    InvestmentTerms,
    IpOwnership,
    MilestonePlan,
    Party,
    Terms,
)

NOW = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
ENTERPRISE_ID = uuid.UUID("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
CARRIER_ID = uuid.UUID("0b7e5d1c-2a3f-4e6d-9c8b-7a6f5e4d3c2b")
PM_ID = uuid.UUID("7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8")
CENTER_ID = uuid.UUID("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
MATCH_ID = uuid.UUID("f0e1d2c3-b4a5-4968-8776-655443322110")
DEMAND_ID = uuid.UUID("3d9a7c51-0e2b-4f8a-b6c4-1a2b3c4d5e6f")
M1 = uuid.UUID("00000000-0000-4000-8000-00000000a001")
M2 = uuid.UUID("00000000-0000-4000-8000-00000000a002")
M3 = uuid.UUID("00000000-0000-4000-8000-00000000a003")
SCOPE = "完成高镍三元正极材料表面包覆工艺开发，提交中试样品、工艺包与第三方检测报告。"


def later(minutes: int = 1) -> datetime:
    return NOW + timedelta(minutes=minutes)


def ready_terms(**overrides: Any) -> Terms:
    """Terms complete enough to sign: 3,200,000.00 CNY in three milestones."""
    attrs: dict[str, Any] = {
        "contract_type": ContractType.DEVELOPMENT,
        "title": "高镍正极材料表面包覆工艺技术开发合同",
        "value": Decimal("3200000.00"),
        "scope": SCOPE,
        "starts_on": date(2026, 4, 15),
        "ends_on": date(2027, 4, 14),
        "ip_ownership": IpOwnership.JOINT,
        "ip_enterprise_share": Decimal("60.00"),
        "ip_carrier_share": Decimal("40.00"),
        "confidentiality": Confidentiality.CONFIDENTIAL,
        "confidentiality_years": 5,
        "milestones": (
            MilestonePlan(M1, "小试配方确定", "小试报告与样品", date(2026, 7, 31), Decimal("960000.00")),
            MilestonePlan(M2, "中试工艺验证", "中试样品100公斤及检测报告", date(2026, 12, 31), Decimal("1280000.00")),
            MilestonePlan(M3, "工艺包交付", "工艺包、设备清单与培训", date(2027, 4, 1), Decimal("960000.00")),
        ),
        "investment": InvestmentTerms(
            grant_amount=Decimal("2000000.00"),
            company="常州锂源储能材料有限公司",
            team_holding_percent=Decimal("60.00"),
            equity_incentive_percent=Decimal("10.00"),
        ),
    }
    attrs.update(overrides)
    return Terms(**attrs)


def draft(terms: Terms | None = None, **kw: Any) -> Contract:
    c = Contract.draft(
        now=NOW,
        enterprise_id=ENTERPRISE_ID,
        carrier_id=CARRIER_ID,
        terms=terms or ready_terms(),
        match_id=MATCH_ID,
        demand_id=DEMAND_ID,
        project_manager_id=PM_ID,
        center_id=CENTER_ID,
        created_by="operator-1",
        **kw,
    )
    return fresh(c)


def fresh(c: Contract) -> Contract:
    """The contract as loaded again: no pending events or history records."""
    from dataclasses import replace

    return replace(c, events=[], version_updates=[])


def sign(c: Contract, party: Party, minutes: int = 1) -> Contract:
    return c.sign(party, signed_by=f"{party.value} 法定代表人", subject=f"user-{party.value}", now=later(minutes))


def in_force(terms: Terms | None = None) -> Contract:
    return fresh(sign(sign(draft(terms), Party.ENTERPRISE), Party.CARRIER, 2))


def pay_all(c: Contract) -> Contract:
    for i, m in enumerate(c.milestones):
        c = c.deliver_milestone(m.id, note=None, now=later(10 + i))
        c = c.accept_milestone(m.id, now=later(20 + i))
        c, _ = c.record_payment(m.id, m.amount, paid_on=date(2026, 5, 1), now=later(30 + i), recorded_by="finance")
    return c


def contract_in(status: ContractStatus) -> Contract:
    """A contract in ``status``, reached through the rules themselves."""
    S = ContractStatus
    c = draft()
    if status is S.DRAFT:
        return c
    if status is S.SIGNED_BY_ENTERPRISE:
        return fresh(sign(c, Party.ENTERPRISE))
    if status is S.SIGNED_BY_CARRIER:
        return fresh(sign(c, Party.CARRIER))
    if status is S.TERMINATED:
        return fresh(c.terminate(reason="企业战略调整，双方协商一致解除合同", now=later()))
    c = in_force()
    if status is S.IN_FORCE:
        return c
    if status is S.COMPLETED:
        return fresh(pay_all(c))
    c = fresh(c.propose_amendment({"ends_on": date(2027, 6, 30)}, now=later(3)))
    if status is S.AMENDMENT_DRAFT:
        return c
    if status is S.AMENDMENT_SIGNED_BY_ENTERPRISE:
        return fresh(sign(c, Party.ENTERPRISE, 4))
    if status is S.AMENDMENT_SIGNED_BY_CARRIER:
        return fresh(sign(c, Party.CARRIER, 4))
    raise AssertionError(status)
