"""The thin slice, written once and run against both the embedded and the multi-process stack.

Through the gateway: carriers are registered (talent), an enterprise is registered and
submits a demand (demand), bad input gets a problem+json naming the field, and the
composed demand view shows matching's ranked suggestions once the events have flowed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from services.demand.domain import credit_code_check_char
from shared.testing import wait_for

BATTERY_CARRIER = {
    "kind": "research_institute",
    "name_zh": "先进储能技术研究所",
    "city": "苏州",
    "province": "江苏",
    "fields": ["energy.batteries"],
    "capabilities": "锂离子电池正极材料、固态电解质、电池热管理与安全评估。",
    "keywords": ["锂电池", "固态电池"],
    "capacity": 3,
}
CHIP_CARRIER = {
    "kind": "overseas_platform",
    "name_en": "Power Electronics Lab",
    "city": "Munich",
    "country": "DE",
    "fields": ["ic.power"],
    "capabilities": "Gate drivers for SiC MOSFET power modules, power management ICs and inverter control.",
    "keywords": ["SiC", "gate driver"],
    "capacity": 2,
}


def new_credit_code() -> str:
    body = "91320500" + uuid.uuid4().hex[:9].upper().translate(str.maketrans("IOZSV", "12345"))
    return body + credit_code_check_char(body)


def demand_body(enterprise_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "enterprise_id": enterprise_id,
        "title": "车用固态锂电池电解质开发",
        "description": "开发高安全性的固态电解质，提高锂电池能量密度与热安全性，循环寿命超过2000次。",
        "fields": ["energy.batteries"],
        "keywords": ["固态电池"],
        "demand_type": "technology_development",
        "expected_outcome": "样机与测试报告",
        "trl_current": 3,
        "trl_target": 6,
        "budget": "2500000.00",
        "deadline": (datetime.now(UTC) + timedelta(days=120)).isoformat(),
        "province": "江苏",
        "city": "苏州",
        "contact": {"name": "李工", "email": "li@example.com"},
    }
    body.update(overrides)
    return body


async def run_thin_slice(gateway: httpx.AsyncClient) -> dict[str, Any]:
    carriers = {}
    for body in (BATTERY_CARRIER, CHIP_CARRIER):
        r = await gateway.post("/api/v1/carriers", json=body)
        assert r.status_code == 201, r.text
        carriers[r.json()["id"]] = body
    battery_id = next(k for k, v in carriers.items() if v is BATTERY_CARRIER)

    r = await gateway.post(
        "/api/v1/enterprises",
        json={
            "name_zh": "苏州新能动力科技有限公司",
            "credit_code": new_credit_code(),
            "province": "江苏",
            "city": "苏州",
            "industry_code": "C38",
            "size": "large",
            "contacts": [{"name": "李工"}],
        },
    )
    assert r.status_code == 201, r.text
    enterprise_id = r.json()["id"]

    # Bad input: a clear problem naming the field, and nothing created.
    bad = await gateway.post("/api/v1/demands", json=demand_body(enterprise_id, budget="-1"))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in bad.json()["errors"]] == ["budget"]

    r = await gateway.post("/api/v1/demands", json=demand_body(enterprise_id))
    assert r.status_code == 201, r.text
    demand = r.json()
    assert demand["status"] == "submitted"
    assert demand["budget"] == "2500000.00"  # exact decimal string, never a float
    assert r.headers["location"] == f"/api/v1/demands/{demand['id']}"

    async def suggested() -> dict[str, Any] | None:
        resp = await gateway.get(f"/api/v1/demands/{demand['id']}")
        assert resp.status_code == 200, resp.text
        body = resp.json()
        mine = [s for s in body["suggestions"] or [] if s["carrier_id"] in carriers]
        return body if body["suggestions_status"] == "ready" and mine else None

    composed = await wait_for(suggested, timeout_s=45, interval_s=0.1, what="MatchesSuggested to reach the view")
    ours = [s for s in composed["suggestions"] if s["carrier_id"] in carriers]
    assert ours[0]["carrier_id"] == battery_id, ours
    assert ours[0]["components"]["fields"] == 1.0
    assert ours[0]["matched_terms"], "a suggestion explains itself"
    assert all(s["carrier_id"] != battery_id for s in ours[1:])
    assert composed["title"] == demand["title"] and composed["missing"] == []
    return {"demand": demand, "composed": composed, "battery_id": battery_id, "enterprise_id": enterprise_id}
