"""Five demands and two contracts through every KPI-relevant event, with their KPIs computed by hand.

    D1  center C1, fields batteries + nano, budget 2,500,000.00: submitted Jan, published Jan,
        matched Feb (carrier K1, project manager P1), contract X1 signed Mar at 1,800,000.00,
        amended to 2,000,000.00, paid 500,000.00 (Apr) + 700,000.50 (May), completed May.
    D2  center C2, ic.power, budget 1,000,000.10 then updated to 1,200,000.00: submitted and
        published Feb, withdrawn Mar.
    D3  no center, batteries, no budget, confidential: submitted and published Mar, project
        manager P1 assigned then released, matched Apr (carrier K2).
    D4  no center, catalysis, 300,000.00: submitted and rejected Apr.
    D5  center C2, ic.design, 50,000.00: submitted and published Apr, expired May.
    X2  a contract without a demand: carrier K2, signed Apr at 100,000.00, paid 100,000.00 (Apr),
        terminated May.
    F1  a fund established on 1 Jan (China; 31 Dec in UTC), 100 m of which the institute 10 m,
        investing 500,000.00 (Feb) and 250,000.50 (Apr); F2 established Mar, 50 m of which the
        institute 5 m, investing 1,000,000.00 (Apr).

Plus events that move no KPI (suggestions, negotiation, milestones, a researcher's assignment).
Ids are fresh on every build, so scenarios on shared topics never collide.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from services.dashboard.tests.support import envelope
from shared.events import contracts as ct
from shared.events import demand as dm
from shared.events import matching as mt
from shared.events import talent as tl
from shared.events.envelope import Envelope


def at(month: int, day: int, hour: int = 9, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, 0, second, tzinfo=UTC)


@dataclass
class Scenario:
    ids: dict[str, uuid.UUID]
    envelopes: list[Envelope] = field(default_factory=list)

    def key(self, name: str | None) -> str | None:
        return None if name is None else str(self.ids[name])

    # -- the KPIs, by hand --------------------------------------------------------------------
    def expected_funnel(self) -> dict[str, int]:
        return {
            "submitted": 5,
            "published": 4,
            "matched": 2,
            "contracted": 1,
            "completed": 1,
            "withdrawn": 1,
            "rejected": 1,
            "expired": 1,
        }

    def expected_money(self) -> dict[str, str]:
        return {
            "currency": "CNY",
            "intended": "4050000.00",  # 2,500,000.00 + 1,200,000.00 + 300,000.00 + 50,000.00 (D3 has none)
            "contracted": "2100000.00",  # X1 at its latest version 2,000,000.00 + X2 100,000.00
            "paid": "1300000.50",  # 500,000.00 + 700,000.50 + 100,000.00
        }

    def expected_contracts(self) -> dict[str, int]:
        return {"signed": 2, "completed": 1, "terminated": 1}

    def expected_breakdowns(self) -> dict[str, dict[str | None, dict[str, Any]]]:
        d1 = {
            "submitted": 1,
            "published": 1,
            "matched": 1,
            "contracted": 1,
            "completed": 1,
            "intended": "2500000.00",
            "contracts": 1,
            "contracted_value": "2000000.00",
            "paid": "1200000.50",
        }
        x2 = {"contracts": 1, "contracted_value": "100000.00", "paid": "100000.00"}
        k = self.key
        return {
            "center": {
                k("C1"): d1,
                k("C2"): {"submitted": 2, "published": 2, "intended": "1250000.00"},
                None: {"submitted": 2, "published": 1, "matched": 1, "intended": "300000.00", **x2},
            },
            "carrier": {
                k("K1"): d1,
                k("K2"): {"submitted": 1, "published": 1, "matched": 1, **x2},
                None: {"submitted": 3, "published": 2, "intended": "1550000.00"},
            },
            "project_manager": {
                k("P1"): d1,
                None: {"submitted": 4, "published": 3, "matched": 1, "intended": "1550000.00", **x2},
            },
            "field": {
                "energy.batteries": {**d1, "submitted": 2, "published": 2, "matched": 2},
                "materials.nano": d1,
                "ic.power": {"submitted": 1, "published": 1, "intended": "1200000.00"},
                "chemicals.catalysis": {"submitted": 1, "intended": "300000.00"},
                "ic.design": {"submitted": 1, "published": 1, "intended": "50000.00"},
                None: x2,
            },
            "province": {
                "江苏": {**d1, "submitted": 4, "published": 3, "intended": "4050000.00"},
                "浙江": {"submitted": 1, "published": 1, "matched": 1},
                None: x2,
            },
            "month": {
                "2026-01": {"submitted": 1, "published": 1, "intended": "2500000.00"},
                "2026-02": {"submitted": 1, "published": 1, "matched": 1, "intended": "1200000.00"},
                "2026-03": {
                    "submitted": 1,
                    "published": 1,
                    "contracted": 1,
                    "contracts": 1,
                    "contracted_value": "2000000.00",
                },
                "2026-04": {
                    "submitted": 2,
                    "published": 1,
                    "matched": 1,
                    "intended": "350000.00",
                    "contracts": 1,
                    "contracted_value": "100000.00",
                    "paid": "600000.00",
                },
                "2026-05": {"completed": 1, "paid": "700000.50"},
            },
        }

    def expected_supply(self) -> dict[str, Any]:
        return {
            "centers": 2,
            "centers_by_year": [{"year": "2025", "established": 2}],
            "carriers_by_kind": {"overseas_platform": 1, "research_institute": 1},
            "partner_universities": {"domestic": 0, "overseas": 0},
            "people_by_role": {"project_manager": 1, "researcher": 1},
            "trainees": {"enrolled": 2, "placed": 1, "graduated": 1, "withdrawn": 1},
        }

    def expected_funds(self) -> dict[str, Any]:
        return {
            "currency": "CNY",
            "funds": 2,
            "committed_capital": "150000000.00",
            "institute_commitment": "15000000.00",
            "social_capital_leveraged": "135000000.00",
            "leverage_ratio": "9.00",
            "investments": 3,
            "invested": "1750000.50",
        }

    def expected_labels(self) -> dict[str, dict[str | None, str]]:
        k = self.key
        return {
            "center": {k("C1"): "苏州新能联合创新中心", k("C2"): "无锡芯片联合创新中心"},
            "carrier": {k("K1"): "先进储能技术研究所", k("K2"): "功率电子实验室 Power Electronics Lab"},
            "project_manager": {k("P1"): "张经理"},
        }


METRICS = (
    "submitted",
    "published",
    "matched",
    "contracted",
    "completed",
    "intended",
    "contracts",
    "contracted_value",
    "paid",
)
MONEY = ("intended", "contracted_value", "paid")


def normalise(kpis: dict[str, Any]) -> dict[str, Any]:
    """The KPIs with every amount as its exact string (read in process they are Decimals)."""
    breakdowns = {
        dim: {
            row["key"]: {m: str(row[m]) if m in MONEY else row[m] for m in METRICS} | {"label": row["label"]}
            for row in rows
        }
        for dim, rows in kpis["breakdowns"].items()
    }
    return {
        "funnel": kpis["funnel"],
        "money": {k: str(v) for k, v in kpis["money"].items() if k != "suppressed"},
        "contracts": kpis["contracts"],
        "breakdowns": breakdowns,
    }


def assert_kpis(kpis: dict[str, Any], s: Scenario) -> None:
    got = normalise(kpis)
    assert kpis["supply"] == s.expected_supply()
    assert {k: v if isinstance(v, int) else str(v) for k, v in kpis["funds"].items()} == s.expected_funds()
    assert got["funnel"] == s.expected_funnel()
    assert got["money"] == s.expected_money()
    assert got["contracts"] == s.expected_contracts()
    for dim, expected_rows in s.expected_breakdowns().items():
        rows = got["breakdowns"][dim]
        assert set(rows) == set(expected_rows), (dim, sorted(map(str, rows)))
        for key, partial in expected_rows.items():
            want = {m: ("0.00" if m in MONEY else 0) for m in METRICS} | partial
            have = {m: rows[key][m] for m in METRICS}
            assert have == want, (dim, key)
    for dim, names in s.expected_labels().items():
        for key, name in names.items():
            assert got["breakdowns"][dim][key]["label"] == name, (dim, key)
    assert got["breakdowns"]["field"]["energy.batteries"]["label"] == "储能与电池 Energy storage and batteries"
    assert got["breakdowns"]["month"]["2026-01"]["label"] == "2026-01"
    assert got["breakdowns"]["center"][None]["label"] == "未指定 Unassigned"


def build() -> Scenario:
    names = (
        *("C1", "C2", "K1", "K2", "P1", "R1", "E1", "D1", "D2", "D3", "D4", "D5", "X1", "X2", "A1", "A2", "T1", "T2"),
        *("F1", "F2", "I1", "I2", "I3"),
    )
    ids = {n: uuid.uuid4() for n in names}
    s = Scenario(ids)
    i = ids
    e1 = i["E1"]
    add = s.envelopes.append

    def submitted(
        d: str,
        when: datetime,
        *,
        budget: str | None,
        fields: list[str],
        center: str | None,
        confidentiality: str = "public",
        province: str = "江苏",
    ) -> dm.DemandSubmitted:
        return dm.DemandSubmitted(
            demand_id=i[d],
            enterprise_id=e1,
            title=f"需求 {d}",
            description=f"{d} 的详细技术说明",
            fields=fields,
            keywords=["测试"],
            demand_type="technology_development",
            budget=Decimal(budget) if budget else None,
            confidentiality=confidentiality,
            center_id=i[center] if center else None,
            province=province,
            city="无锡" if province == "江苏" else "杭州",
            submitted_at=when,
        )

    def published(sub: dm.DemandSubmitted, when: datetime) -> dm.DemandPublished:
        data = sub.model_dump(exclude={"submitted_at", "currency"})
        return dm.DemandPublished(**data, published_at=when)

    # Names of the breakdowns' keys (the talent and demand services' events).
    add(
        envelope(
            dm.JointInnovationCenterEstablished(
                center_id=i["C1"],
                enterprise_id=e1,
                name="苏州新能联合创新中心",
                established_on="2025-12-01",
                committed_funding=Decimal("10000000.00"),
            ),
            at(1, 1).replace(year=2025, month=12),
        )
    )
    add(
        envelope(
            dm.JointInnovationCenterEstablished(
                center_id=i["C2"],
                enterprise_id=e1,
                name="无锡芯片联合创新中心",
                established_on="2025-12-02",
                committed_funding=Decimal("5000000.00"),
            ),
            at(1, 2).replace(year=2025, month=12),
        )
    )
    add(
        envelope(
            tl.CarrierRegistered(
                carrier_id=i["K1"],
                kind="research_institute",
                name="先进储能技术研究所",
                fields=["energy.batteries"],
                capabilities="固态电解质",
                keywords=["固态电池"],
                capacity=3,
                registered_at=at(1, 3),
            )
        )
    )
    add(
        envelope(
            tl.CarrierRegistered(
                carrier_id=i["K2"],
                kind="overseas_platform",
                name="Power Electronics Lab",
                fields=["ic.power"],
                capabilities="SiC gate drivers",
                keywords=["SiC"],
                capacity=2,
                registered_at=at(1, 4),
            )
        )
    )
    add(
        envelope(
            tl.CarrierProfileUpdated(
                carrier_id=i["K2"],
                kind="overseas_platform",
                name="功率电子实验室 Power Electronics Lab",
                fields=["ic.power"],
                capabilities="SiC gate drivers",
                keywords=["SiC"],
                capacity=2,
                version=2,
                updated_at=at(1, 20),
            )
        )
    )
    add(
        envelope(
            tl.PersonRegistered(
                person_id=i["P1"],
                name="张三",
                roles=["project_manager"],
                fields=["energy"],
                keywords=[],
                languages=["zh"],
                capacity=5,
                registered_at=at(1, 5),
            )
        )
    )
    add(
        envelope(
            tl.PersonProfileUpdated(
                person_id=i["P1"],
                name="张经理",
                roles=["project_manager"],
                fields=["energy"],
                keywords=[],
                languages=["zh", "en"],
                capacity=5,
                version=2,
                updated_at=at(1, 15),
            )
        )
    )
    add(
        envelope(
            tl.PersonRegistered(
                person_id=i["R1"],
                name="李研究员",
                roles=["researcher"],
                carrier_id=i["K1"],
                university="南京大学",
                fields=["energy.batteries"],
                keywords=[],
                languages=["zh"],
                capacity=2,
                registered_at=at(1, 6),
            )
        )
    )

    # Joint training: T1 enrolled Feb, placed Mar, graduated May; T2 enrolled Mar, withdrawn Apr.
    for t, enrolled in (("T1", at(2, 1)), ("T2", at(3, 1))):
        add(
            envelope(
                tl.TraineeEnrolled(
                    trainee_id=i[t],
                    person_id=uuid.uuid4(),
                    university="东南大学",
                    carrier_id=i["K1"],
                    starts_on=enrolled.date(),
                    ends_on=enrolled.date().replace(year=2029),
                    enrolled_at=enrolled,
                )
            )
        )
    moved = {"trainee_id": i["T1"], "person_id": uuid.uuid4(), "carrier_id": i["K1"]}
    add(envelope(tl.TraineePlacementStarted(**moved, at=at(3, 3))))
    add(envelope(tl.TraineeGraduated(**moved, at=at(5, 3))))
    add(envelope(tl.TraineeWithdrawn(**{**moved, "trainee_id": i["T2"]}, at=at(4, 3))))

    # The funds: F1 established on the first day of the year in China (still 31 Dec in UTC).
    for f, on, capital, institute in (("F1", date(2026, 1, 1), "100000000.00", "10000000.00"),
                                      ("F2", date(2026, 3, 5), "50000000.00", "5000000.00")):  # fmt: skip
        add(
            envelope(
                ct.FundEstablished(
                    fund_id=i[f],
                    name=f"产研院{f}基金",
                    manager="毅达资本",
                    committed_capital=Decimal(capital),
                    institute_commitment=Decimal(institute),
                    institute_stake_percent=Decimal("10.0000"),
                    social_capital=Decimal(capital) - Decimal(institute),
                    established_on=on,
                    recorded_at=at(on.month, on.day),
                )
            )
        )
    investments = (
        ("I1", "F1", "500000.00", date(2026, 2, 1)),
        ("I2", "F1", "250000.50", date(2026, 4, 10)),
        ("I3", "F2", "1000000.00", date(2026, 4, 11)),
    )
    for inv, f, amount, on in investments:
        add(
            envelope(
                ct.FundInvested(
                    fund_id=i[f],
                    investment_id=i[inv],
                    company="苏州新能动力科技有限公司",
                    amount=Decimal(amount),
                    invested_on=on,
                    fund_invested_total=Decimal(amount),
                    recorded_at=at(on.month, on.day),
                )
            )
        )

    d1 = submitted("D1", at(1, 10), budget="2500000.00", fields=["energy.batteries", "materials.nano"], center="C1")
    add(envelope(d1))
    add(envelope(published(d1, at(1, 12))))
    d2 = submitted("D2", at(2, 3), budget="1000000.10", fields=["ic.power"], center="C2")
    add(envelope(d2))
    add(envelope(published(d2, at(2, 4))))
    add(envelope(dm.DemandUpdated(demand_id=i["D2"], changed={"budget": "1200000.00"}, version=3, updated_at=at(2, 5))))
    add(
        envelope(
            mt.MatchesSuggested(
                demand_id=i["D1"],
                suggestion_set_id=uuid.uuid4(),
                suggested_at=at(2, 9),
                carriers=[
                    mt.SuggestedCarrier(
                        carrier_id=i["K1"], rank=1, score=0.9, components={"fields": 1.0}, matched_terms=["电池"]
                    )
                ],
            )
        )
    )
    add(
        envelope(
            mt.MatchAccepted(
                match_id=uuid.uuid4(),
                demand_id=i["D1"],
                carrier_id=i["K1"],
                enterprise_id=e1,
                project_manager_id=i["P1"],
                accepted_by="pm",
                demand_title="需求 D1",
                demand_type="technology_development",
                budget=Decimal("2500000.00"),
                center_id=i["C1"],
                accepted_at=at(2, 10, 10),
            )
        )
    )
    add(envelope(dm.DemandMatched(demand_id=i["D1"], carrier_id=i["K1"], matched_at=at(2, 10, 10, 5))))
    add(envelope(dm.DemandNegotiationStarted(demand_id=i["D1"], started_at=at(2, 20))))
    d3 = submitted(
        "D3",
        at(3, 1),
        budget=None,
        fields=["energy.batteries"],
        center=None,
        confidentiality="confidential",
        province="浙江",
    )
    add(envelope(d3))
    add(envelope(published(d3, at(3, 2))))
    add(
        envelope(
            ct.ContractDrafted(
                contract_id=i["X1"],
                demand_id=i["D1"],
                enterprise_id=e1,
                carrier_id=i["K1"],
                project_manager_id=i["P1"],
                center_id=i["C1"],
                contract_type="technology_development",
                title="固态电解质开发合同",
                value=Decimal("1800000.00"),
                drafted_at=at(3, 5),
            )
        )
    )
    add(
        envelope(
            ct.ContractSignedByParty(
                contract_id=i["X1"], party="enterprise", signed_by="王工", contract_version=1, signed_at=at(3, 14)
            )
        )
    )
    add(
        envelope(
            ct.ContractSigned(
                contract_id=i["X1"],
                demand_id=i["D1"],
                enterprise_id=e1,
                carrier_id=i["K1"],
                project_manager_id=i["P1"],
                center_id=i["C1"],
                contract_type="technology_development",
                value=Decimal("1800000.00"),
                contract_version=1,
                signed_at=at(3, 15),
            )
        )
    )
    add(envelope(dm.DemandContracted(demand_id=i["D1"], contract_id=i["X1"], contracted_at=at(3, 15, 9, 10))))
    add(envelope(dm.DemandWithdrawn(demand_id=i["D2"], reason="预算调整", withdrawn_at=at(3, 20))))
    add(
        envelope(
            ct.ContractAmended(
                contract_id=i["X1"],
                contract_version=2,
                changes={"value": "2000000.00"},
                value=Decimal("2000000.00"),
                amended_at=at(3, 25),
            )
        )
    )
    add(
        envelope(
            tl.AssignmentMade(
                assignment_id=i["A1"],
                person_id=i["P1"],
                target_type="demand",
                target_id=i["D3"],
                role="project_manager",
                made_at=at(3, 26),
            )
        )
    )
    add(
        envelope(
            tl.AssignmentMade(
                assignment_id=i["A2"],
                person_id=i["R1"],
                target_type="contract",
                target_id=i["X1"],
                role="researcher",
                made_at=at(3, 27),
            )
        )
    )
    add(
        envelope(
            tl.AssignmentReleased(
                assignment_id=i["A1"],
                person_id=i["P1"],
                target_type="demand",
                target_id=i["D3"],
                reason="调岗",
                released_at=at(3, 28),
            )
        )
    )
    d4 = submitted("D4", at(4, 2), budget="300000.00", fields=["chemicals.catalysis"], center=None)
    add(envelope(d4))
    add(envelope(dm.DemandRejected(demand_id=i["D4"], reason="不属于平台范围", rejected_at=at(4, 3))))
    add(envelope(dm.DemandMatched(demand_id=i["D3"], carrier_id=i["K2"], matched_at=at(4, 5))))
    add(
        envelope(
            ct.ContractSigned(
                contract_id=i["X2"],
                enterprise_id=e1,
                carrier_id=i["K2"],
                contract_type="technology_service",
                value=Decimal("100000.00"),
                contract_version=1,
                signed_at=at(4, 8),
            )
        )
    )
    add(
        envelope(
            ct.PaymentRecorded(
                contract_id=i["X1"],
                milestone_id=uuid.uuid4(),
                payment_id=uuid.uuid4(),
                enterprise_id=e1,
                carrier_id=i["K1"],
                amount=Decimal("500000.00"),
                contract_paid_total=Decimal("500000.00"),
                recorded_at=at(4, 10),
            )
        )
    )
    add(
        envelope(
            ct.PaymentRecorded(
                contract_id=i["X2"],
                milestone_id=uuid.uuid4(),
                payment_id=uuid.uuid4(),
                enterprise_id=e1,
                carrier_id=i["K2"],
                amount=Decimal("100000.00"),
                contract_paid_total=Decimal("100000.00"),
                recorded_at=at(4, 12),
            )
        )
    )
    d5 = submitted("D5", at(4, 20), budget="50000.00", fields=["ic.design"], center="C2")
    add(envelope(d5))
    add(envelope(published(d5, at(4, 21))))
    add(
        envelope(
            ct.MilestoneAccepted(
                contract_id=i["X1"], milestone_id=uuid.uuid4(), amount=Decimal("700000.50"), accepted_at=at(5, 1)
            )
        )
    )
    add(envelope(dm.DemandExpired(demand_id=i["D5"], deadline=at(4, 30), expired_at=at(5, 1))))
    add(
        envelope(
            ct.PaymentRecorded(
                contract_id=i["X1"],
                milestone_id=uuid.uuid4(),
                payment_id=uuid.uuid4(),
                enterprise_id=e1,
                carrier_id=i["K1"],
                amount=Decimal("700000.50"),
                contract_paid_total=Decimal("1200000.50"),
                recorded_at=at(5, 10),
            )
        )
    )
    add(
        envelope(
            ct.ContractCompleted(
                contract_id=i["X1"],
                demand_id=i["D1"],
                enterprise_id=e1,
                carrier_id=i["K1"],
                project_manager_id=i["P1"],
                value=Decimal("2000000.00"),
                paid_total=Decimal("1200000.50"),
                completed_at=at(5, 20),
            )
        )
    )
    add(envelope(dm.DemandClosed(demand_id=i["D1"], contract_id=i["X1"], closed_at=at(5, 20, 9, 10))))
    add(
        envelope(
            ct.ContractTerminated(
                contract_id=i["X2"],
                enterprise_id=e1,
                carrier_id=i["K2"],
                reason="需求变更",
                cancelled_milestones=1,
                terminated_at=at(5, 25),
            )
        )
    )
    return s
