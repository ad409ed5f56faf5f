"""A small world for the authorization tests, built through the gateway as an admin: two
enterprises, two carriers, their people, demands in every visibility state, a contract, a
curation decision, a conflict of interest, a batch assignment, a trainee, and the callers
(one per role, a second enterprise and a second carrier among them)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from shared.testing import auth_headers, wait_for
from tests.e2e.slice import demand_body, new_credit_code

# The callers every route is asserted for, in the order of the table's columns.
ROLES = ("ent_a", "ent_b", "car_a", "car_b", "pm", "operator", "viewer", "admin", "anon")

CARRIER_A = {
    "kind": "research_institute",
    "name_zh": "授权测试储能研究所甲",
    "city": "苏州",
    "province": "江苏",
    "fields": ["energy.batteries"],
    "capabilities": "锂离子电池正极材料、固态电解质、电池热管理与安全评估。",
    "keywords": ["固态电池"],
    "capacity": 50,
}
CARRIER_B = {**CARRIER_A, "name_zh": "授权测试储能研究所乙", "city": "无锡"}


def enterprise_body(name: str) -> dict[str, Any]:
    return {
        "name_zh": name,
        "credit_code": new_credit_code(),
        "province": "江苏",
        "city": "常州",
        "industry_code": "C38",
        "size": "large",
        "contacts": [{"name": "周工", "email": f"zhou-{uuid.uuid4().hex[:6]}@example.com"}],
    }


def person_body(carrier_id: str | None, *roles: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "测试研究员",
        "roles": list(roles),
        "fields": ["energy.batteries"],
        "contact": {"email": f"p-{uuid.uuid4().hex[:10]}@example.com"},
    }
    if carrier_id:
        body["carrier_id"] = carrier_id
    else:
        body["university"] = "东南大学"
    body.update(overrides)
    return body


def contract_body(enterprise_id: str, carrier_id: str) -> dict[str, Any]:
    """A complete contract for a match the contracts service has not seen (staff may draft one)."""
    return {
        "match_id": str(uuid.uuid4()),
        "demand_id": str(uuid.uuid4()),
        "enterprise_id": enterprise_id,
        "carrier_id": carrier_id,
        "contract_type": "technology_development",
        "title": "固态电解质技术开发合同",
        "scope": "完成固态电解质配方开发，提交中试样品、工艺包与第三方检测报告。",
        "value": "2000000.00",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "ip_ownership": "enterprise",
        "confidentiality": "confidential",
        "confidentiality_years": 5,
        "milestones": [
            {"title": "第一阶段", "deliverables": "配方与报告", "due_on": "2026-06-30", "amount": "1000000.00"},
            {"title": "第二阶段", "deliverables": "中试样品", "due_on": "2027-06-30", "amount": "1000000.00"},
        ],
        "investment": {"grant_amount": "500000.00", "stake_percent": "5"},
    }


def fund_body() -> dict[str, Any]:
    return {
        "name": f"授权测试基金{uuid.uuid4().hex[:8]}",
        "manager": "授权测试基金管理有限公司",
        "committed_capital": "100000000.00",
        "institute_commitment": "10000000.00",
        "established_on": "2020-01-06",
    }


def investment_body() -> dict[str, Any]:
    return {"company": "授权测试被投公司", "amount": "1000.00", "invested_on": "2020-02-03"}


@dataclass
class World:
    admin: httpx.AsyncClient  # the gateway, as an admin
    ids: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    async def post(self, path: str, body: Any, status: int = 201) -> dict[str, Any]:
        r = await self.admin.post(path, json=body)
        assert r.status_code == status, f"{path}: {r.status_code} {r.text}"
        return dict(r.json())

    # -- things made once, or afresh for a row that changes them ---------------------------------
    async def demand(self, enterprise: str = "ent_a", *, state: str = "published", **overrides: Any) -> str:
        body = demand_body(self.ids[enterprise], submit=state != "draft", **overrides)
        d = await self.post("/api/v1/demands", body)
        if state == "published":
            await self.post(f"/api/v1/demands/{d['id']}/publish", None, 200)
        return str(d["id"])

    async def contract(self) -> dict[str, str]:
        c = await self.post("/api/v1/contracts", contract_body(self.ids["ent_a"], self.ids["car_a"]))
        return {"contract_id": c["id"], "milestone_id": c["milestones"][0]["id"]}

    async def fund(self) -> dict[str, str]:
        """A fund the institute backs, with one investment."""
        f = await self.post("/api/v1/funds", fund_body())
        i = await self.post(f"/api/v1/funds/{f['id']}/investments", investment_body())
        return {"fund_id": f["id"], "investment_id": i["id"]}

    async def person(self, *roles: str) -> str:
        """A person of carrier A (room for many assignments)."""
        return str((await self.post("/api/v1/people", person_body(self.ids["car_a"], *roles, capacity=50)))["id"])

    async def contract_at(self, stage: str) -> dict[str, str]:
        """A contract at ``stage``: draft, signed (in force), amending (an amendment pending),
        delivered (its first milestone delivered) or accepted (that milestone accepted)."""
        made = await self.contract()
        base = f"/api/v1/contracts/{made['contract_id']}"
        ent, car = self.headers["ent_a"], self.headers["car_a"]
        milestone = f"/milestones/{made['milestone_id']}"
        signed: list[tuple[str, dict[str, str]]] = [("/sign", ent), ("/sign", car)]
        steps = {
            "draft": [],
            "signed": signed,
            "amending": [*signed, ("/amendment", {"If-Match": '"v3"'})],
            "delivered": [*signed, (f"{milestone}/deliver", car)],
            "accepted": [*signed, (f"{milestone}/deliver", car), (f"{milestone}/accept", ent)],
        }[stage]
        for path, headers in steps:
            body = {"value": "2100000.00"} if path == "/amendment" else {}
            r = await self.admin.post(base + path, json=body, headers=headers)
            assert r.status_code == 200, f"{path}: {r.status_code} {r.text}"
        return made

    async def matched_demand(self) -> str:
        """A published demand whose match with carrier A was accepted (negotiation can start)."""
        demand_id = await self.demand()
        await self.suggestions_ready(demand_id)
        body = {"demand_id": demand_id, "carrier_id": self.ids["car_a"], "decision": "accepted"}

        async def accepted() -> bool:  # 409 until matching has learnt of the publication
            r = await self.admin.post("/api/v1/matches", json=body)
            assert r.status_code in (201, 409), r.text
            return r.status_code == 201

        await wait_for(accepted, timeout_s=20, what="matching to accept the match")

        async def matched() -> bool:
            r = await self.admin.get(f"/api/v1/demands/{demand_id}")
            return bool(r.json()["status"] == "matched")

        await wait_for(matched, timeout_s=20, what="the demand to be matched")
        return demand_id

    async def placed_trainee(self) -> str:
        trainee_id = await self.trainee()
        await self.post(f"/api/v1/trainees/{trainee_id}/start-placement", None, 200)
        return trainee_id

    async def trainee(self) -> str:
        grad = {"id": await self.person("graduate_student")}
        today = datetime.now(UTC).date()
        t = await self.post(
            "/api/v1/trainees",
            {
                "person_id": grad["id"],
                "university": "东南大学",
                "carrier_id": self.ids["car_a"],
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=365)).isoformat(),
            },
        )
        return str(t["id"])

    async def assignment(self) -> str:
        """Carrier A's researcher on a contract (a carrier user may release its own researchers)."""
        a = await self.post(
            "/api/v1/assignments",
            {
                "target_type": "contract",
                "target_id": str(uuid.uuid4()),
                "person_id": self.ids["person_id"],
                "role": "engineer",
            },
        )
        return str(a["id"])

    async def conflict(self) -> str:
        c = await self.post(
            "/api/v1/matches/conflicts-of-interest",
            {"enterprise_id": str(uuid.uuid4()), "carrier_id": self.ids["car_b"], "reason": "关联交易"},
        )
        return str(c["id"])

    async def grant(self, demand_id: str, carrier: str) -> None:
        r = await self.admin.post(f"/api/v1/demands/{demand_id}/access-grants", json={"carrier_id": self.ids[carrier]})
        assert r.status_code in (200, 201), r.text

    async def suggestions_ready(self, demand_id: str, *, published: bool = True) -> None:
        """Matching has ranked both carriers for the demand and, for a published one, learnt of the
        publication (a carrier sees it there only from then on)."""

        async def ready() -> bool:
            r = await self.admin.get(f"/api/v1/demands/{demand_id}/suggestions")
            ranked = {s["carrier_id"] for s in r.json().get("carriers") or []} if r.status_code == 200 else set()
            if not {self.ids["car_a"], self.ids["car_b"]} <= ranked:
                return False
            if published:
                seen = await self.admin.get(f"/api/v1/demands/{demand_id}/suggestions", headers=self.headers["car_a"])
                return seen.status_code == 200
            return True

        await wait_for(ready, timeout_s=90, interval_s=0.05, what=f"suggestions of {demand_id}")


async def get_patiently(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> httpx.Response:
    """A GET, tried again (at most three times in all) when the platform could not answer it at all
    (a service unreachable behind the gateway, a connection closed under the request): on a loaded
    machine that happens, and it is no answer to an authorization question."""
    for attempt in range(3):
        try:
            r = await client.get(url, headers=headers)
        except httpx.TransportError:
            if attempt == 2:
                raise
        else:
            if r.status_code != 503 or attempt == 2:
                return r
        await asyncio.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def callers(ids: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "ent_a": auth_headers("enterprise_user", subject="authz-ent-a", enterprise_id=ids["ent_a"]),
        "ent_b": auth_headers("enterprise_user", subject="authz-ent-b", enterprise_id=ids["ent_b"]),
        "car_a": auth_headers("carrier_user", subject="authz-car-a", carrier_id=ids["car_a"]),
        "car_b": auth_headers("carrier_user", subject="authz-car-b", carrier_id=ids["car_b"]),
        "pm": auth_headers("project_manager", subject="authz-pm", person_id=ids["pm_person_id"]),
        "operator": auth_headers("operator", subject="authz-operator"),
        "viewer": auth_headers("dashboard_viewer", subject="authz-viewer"),
        "admin": auth_headers("admin", subject="authz-admin"),
        "anon": {},
    }


async def build_world(admin: httpx.AsyncClient) -> World:
    w = World(admin)
    ids = w.ids
    ids["car_a"] = (await w.post("/api/v1/carriers", CARRIER_A))["id"]
    ids["car_b"] = (await w.post("/api/v1/carriers", CARRIER_B))["id"]
    ids["carrier_id"] = ids["car_a"]
    ids["ent_a"] = (await w.post("/api/v1/enterprises", enterprise_body("授权测试甲公司")))["id"]
    ids["ent_b"] = (await w.post("/api/v1/enterprises", enterprise_body("授权测试乙公司")))["id"]
    ids["enterprise_id"] = ids["ent_a"]
    ids["dimension"] = "center"  # a KPI breakdown
    ids["person_id"] = await w.person("researcher")
    ids["pm_person_id"] = (await w.post("/api/v1/people", person_body(None, "project_manager")))["id"]
    ids["center_id"] = (
        await w.post(
            f"/api/v1/enterprises/{ids['ent_a']}/centers",
            {
                "name": "授权测试联合创新中心",
                "established_on": date(2025, 1, 1).isoformat(),
                "committed_funding": "1000.00",
            },
        )
    )["id"]
    ids["public"] = await w.demand()
    ids["confidential"] = await w.demand(confidentiality="confidential")
    await w.grant(ids["confidential"], "car_a")
    ids["submitted"] = await w.demand(state="submitted")
    ids["draft"] = await w.demand(state="draft")
    ids["demand_id"] = ids["public"]
    ids.update(await w.contract())
    ids.update(await w.fund())
    ids["trainee_id"] = await w.trainee()
    ids["assignment_id"] = await w.assignment()
    ids["conflict_id"] = await w.conflict()
    w.headers = callers(ids)
    for d in ("public", "confidential", "submitted"):
        await w.suggestions_ready(ids[d], published=d != "submitted")
    decision = await w.post(
        "/api/v1/matches",
        {
            "demand_id": ids["public"],
            "carrier_id": ids["car_a"],
            "decision": "rejected",
            "reason": {"code": "budget_mismatch"},
        },
    )
    ids["match_id"] = decision["match_id"]
    batch = await w.post("/api/v1/match-assignments", {"demand_ids": [ids["public"]]})
    ids["batch_id"] = batch["batch_id"]
    return w
