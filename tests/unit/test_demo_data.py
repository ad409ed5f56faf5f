"""The demo record (itp/demo.py): the institute's published 2019-2020 figures exactly, dated
2019-2020, the same every run, and every row one the imports accept."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from decimal import Decimal

import orjson

from itp.demo import generate
from services.contracts.domain import ContractType, Terms, signing_problems, terms_with
from services.contracts.funds.domain import check_investment, fund_figures
from services.contracts.funds.schemas import FundCreate, InvestmentCreate
from services.contracts.schemas import TermsIn
from services.demand.schemas import CenterCreate, DemandCreate, EnterpriseCreate
from services.talent.schemas import CarrierCreate, TraineeCreate


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_record_is_the_published_figures_dated_2019_2020() -> None:
    data = generate()
    rows = [r.values for r in data.history]
    by_type = Counter(r["type"] for r in rows)
    assert {k: by_type[k] for k in ("enterprise", "center", "demand", "fund", "trainee")} == {
        "enterprise": 113,
        "center": 113,
        "demand": 589,
        "fund": 11,
        "trainee": 1500,
    }
    centers = {r["source_id"]: r for r in rows if r["type"] == "center"}
    assert Counter(r["established_on"][:4] for r in centers.values()) == {"2019": 59, "2020": 54}
    demands = [r for r in rows if r["type"] == "demand"]
    assert sum(Decimal(d["budget"]) for d in demands) == Decimal("1710000000.00")
    for d in demands:
        submitted, published = _when(d["submitted_at"]), _when(d["published_at"])
        assert submitted.year in (2019, 2020) and published.year in (2019, 2020)
        assert published >= submitted
        assert centers[d["center"]]["established_on"] < d["submitted_at"][:10]
    for e in (r for r in rows if r["type"] == "enterprise"):
        assert e["registered_at"][:4] in ("2019", "2020")

    talent = [orjson.loads(line) for line in data.talent.splitlines()]
    kinds = Counter(t["kind"] for t in talent if t["type"] == "carrier")
    assert kinds == {
        "research_institute": 58,
        "rd_enterprise": 50,
        "university_overseas": 55,
        "university_domestic": 52,
        "overseas_platform": 8,
    }
    roles = Counter(t["roles"][0] for t in talent if t["type"] == "person")
    assert roles == {"project_manager": 168, "jitri_researcher": 167}


def test_the_record_is_the_same_every_run_and_every_row_is_valid() -> None:
    a, b = generate(), generate()
    assert a == b
    for row in a.history:
        v = dict(row.values)
        kind = v.pop("type")
        if kind == "enterprise":
            EnterpriseCreate.model_validate({k: x for k, x in v.items() if k in EnterpriseCreate.model_fields})
        elif kind == "center":
            CenterCreate.model_validate({k: x for k, x in v.items() if k in CenterCreate.model_fields})
        elif kind == "demand":
            body = {k: x for k, x in v.items() if k in DemandCreate.model_fields}
            DemandCreate.model_validate(
                {**body, "enterprise_id": uuid.uuid4()}, context={"now": _when(v["submitted_at"])}
            )
    carriers = [orjson.loads(line) for line in a.talent.splitlines()]
    names = [c.get("name_zh") or c["name_en"] for c in carriers if c["type"] == "carrier"]
    assert len(set(names)) == len(names)  # the talent import's natural key
    for c in carriers:
        if c["type"] == "carrier":
            CarrierCreate.model_validate({k: x for k, x in c.items() if k != "type"})


def test_the_funds_are_eleven_within_policy_leveraging_1_315_bn_and_never_overcommitted() -> None:
    rows = [r.values for r in generate().history]
    funds = {r["source_id"]: r for r in rows if r["type"] == "fund"}
    figures = {
        sid: fund_figures(Decimal(f["committed_capital"]), Decimal(f["institute_commitment"]))
        for sid, f in funds.items()
    }  # raises when a stake is outside the 5-20 % policy
    assert sum(f.social_capital for f in figures.values()) == Decimal("1315000000.00")
    assert {f["established_on"][:4] for f in funds.values()} == {"2019", "2020"}
    assert len({f["name"] for f in funds.values()}) == 11  # names are unique
    invested = dict.fromkeys(funds, Decimal(0))
    for i in (r for r in rows if r["type"] == "investment"):
        fund = funds[i["fund"]]
        assert fund["established_on"] <= i["invested_on"] <= "2020-12-31"
        invested[i["fund"]] = check_investment(
            figures[i["fund"]].committed_capital, invested[i["fund"]], Decimal(i["amount"])
        )
        InvestmentCreate.model_validate({k: x for k, x in i.items() if k in InvestmentCreate.model_fields})
    assert all(invested.values())  # every fund invested
    for f in funds.values():
        FundCreate.model_validate({k: x for k, x in f.items() if k in FundCreate.model_fields})


def test_the_trainees_are_hosted_by_registered_institutes_and_move_on_in_order() -> None:
    data = generate()
    carriers = {c.get("name_zh") for c in map(orjson.loads, data.talent.splitlines()) if c["type"] == "carrier"}
    trainees = [r.values for r in data.history if r.values["type"] == "trainee"]
    assert len({t["source_id"] for t in trainees}) == 1500
    for t in trainees:
        assert t["carrier"] in carriers
        TraineeCreate.model_validate(
            {
                **{k: x for k, x in t.items() if k in TraineeCreate.model_fields},
                "person_id": uuid.uuid4(),
                "carrier_id": uuid.uuid4(),
            }
        )
        times = [t["starts_on"], t.get("placed_at", ""), t.get("graduated_at", "")]
        assert [x for x in times if x] == sorted(x for x in times if x) and t["starts_on"][:4] in ("2019", "2020")
    assert sum("placed_at" in t for t in trainees) > 1000 and any("graduated_at" in t for t in trainees)


def test_the_deals_are_the_published_figures_and_every_contract_can_be_signed() -> None:
    rows = [r.values for r in generate().history]
    demands = {r["source_id"]: r for r in rows if r["type"] == "demand"}
    matches = {r["source_id"]: r for r in rows if r["type"] == "match"}
    contracts = {r["source_id"]: r for r in rows if r["type"] == "contract"}
    payments = [r for r in rows if r["type"] == "payment"]
    assert (len(matches), len({m["demand"] for m in matches.values()}), len(contracts)) == (563, 563, 157)
    for m in matches.values():
        assert demands[m["demand"]]["published_at"] < m["matched_at"] and m["matched_at"][:4] in ("2019", "2020")
    assert len({c["match"] for c in contracts.values()}) == 157
    assert sum(Decimal(c["value"]) for c in contracts.values()) == Decimal("740000000.00")
    for c in contracts.values():
        assert matches[c["match"]]["matched_at"] < c["signed_at"] and c["signed_at"][:4] in ("2019", "2020")
        terms = TermsIn.model_validate({k: x for k, x in c.items() if k in TermsIn.model_fields})
        base = Terms(contract_type=ContractType.DEVELOPMENT, title="标题", value=Decimal(0))
        assert signing_problems(terms_with(base, terms.changes(), ())) == []
    for p in payments:
        c = contracts[p["contract"]]
        milestone = c["milestones"][p["milestone"] - 1]
        assert Decimal(p["amount"]) == Decimal(milestone["amount"])
        assert c["signed_at"][:10] < p["paid_on"] <= "2020-12-31"
