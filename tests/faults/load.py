"""The traffic of the fault suite, through the gateway, as a well-behaved client sends it.

A client retries what it may retry: a connection refused or cut (the gateway itself was killed),
a timeout, and a 503 after its ``Retry-After``. Creates carry an ``Idempotency-Key``, so a retry
of a create that did commit gets the original answer. Steps of a contract's life are driven from
its current state (read again after every ambiguous outcome), never replayed blindly. Every
answer that is not a success is written down: the suite's verdict reads the ledger.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from shared.testing import auth_headers
from tests.e2e.slice import new_credit_code

STAFF = auth_headers("admin", subject="faults-operator")
REQUEST_DEADLINE_S = 300.0  # a request still failing after this long is abandoned (and reported)

FIELDS = (
    ("energy.batteries", "固态锂电池电解质开发", "锂离子电池正极材料、固态电解质、电池热管理与安全评估。", "固态电池"),
    ("ic.power", "碳化硅功率模块驱动芯片", "SiC MOSFET 栅极驱动、功率管理芯片与逆变器控制。", "栅极驱动"),
    ("environment.water", "工业废水膜法深度处理", "反渗透膜、纳滤膜材料与工业废水深度处理工艺。", "反渗透膜"),
)


def enterprise_user(enterprise_id: str) -> dict[str, str]:
    return auth_headers("enterprise_user", enterprise_id=enterprise_id, subject=f"faults-ent-{enterprise_id[:8]}")


def carrier_user(carrier_id: str) -> dict[str, str]:
    return auth_headers("carrier_user", carrier_id=carrier_id, subject=f"faults-car-{carrier_id[:8]}")


@dataclass
class Failure:
    method: str
    path: str
    status: int
    retry_after: str | None
    body: str

    @property
    def is_server_error(self) -> bool:
        """A failure a client cannot tell from a bug: any 5xx but a 503 saying when to retry."""
        return self.status >= 500 and not (self.status == 503 and self.retry_after)


@dataclass
class Ledger:
    # kind -> ids the platform acknowledged with a 2xx (demands, enterprises, carriers, matches, payments)
    created: dict[str, set[str]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # 4xx a correct client should not get
    abandoned: list[str] = field(default_factory=list)
    transport_errors: int = 0
    requests: int = 0
    journeys_done: int = 0

    def accept(self, kind: str, ident: str) -> None:
        self.created.setdefault(kind, set()).add(ident)

    @property
    def server_errors(self) -> list[Failure]:
        return [f for f in self.failures if f.is_server_error]


class Client:
    """Calls the gateway with the retries a well-behaved client makes, writing down every failure."""

    def __init__(self, base_url: str, ledger: Ledger) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(15.0, connect=2.0))
        self.ledger = ledger

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, json: Any = None
    ) -> httpx.Response | None:
        """The first answer that is not a retryable failure; None if abandoned."""
        deadline = time.monotonic() + REQUEST_DEADLINE_S
        while time.monotonic() < deadline:
            self.ledger.requests += 1
            try:
                r = await self.http.request(method, path, headers=headers or STAFF, json=json)
            except httpx.TransportError:
                # The gateway is not there (killed, restarting) or the connection was cut: a client
                # retries; this is not an answer of the platform.
                self.ledger.transport_errors += 1
                await asyncio.sleep(0.3)
                continue
            if r.status_code < 500:
                return r
            retry_after = r.headers.get("retry-after")
            self.ledger.failures.append(Failure(method, path, r.status_code, retry_after, r.text[:300]))
            try:
                wait = float(retry_after) if retry_after else 1.0
            except ValueError:
                wait = 1.0
            await asyncio.sleep(min(wait, 2.0))
        self.ledger.abandoned.append(f"{method} {path}")
        return None

    async def create(self, kind: str, path: str, body: dict[str, Any], *, id_field: str = "id") -> str | None:
        """POST a create with an Idempotency-Key, retried until it is answered; its id."""
        headers = {**STAFF, "Idempotency-Key": str(uuid.uuid4())}
        r = await self.call("POST", path, headers=headers, json=body)
        if r is None:
            return None
        if r.status_code not in (200, 201):
            self.ledger.unexpected.append(f"POST {path}: {r.status_code} {r.text[:300]}")
            return None
        ident = str(r.json()[id_field])
        self.ledger.accept(kind, ident)
        return ident


def enterprise_body() -> dict[str, Any]:
    return {
        "name_zh": "苏州故障演练科技有限公司",
        "credit_code": new_credit_code(),
        "province": "江苏",
        "city": "苏州",
        "industry_code": "C38",
        "size": "large",
        "contacts": [{"name": "王工"}],
    }


# The demands carried on to a contract have a field of their own: the carriers they go to change
# their load with each accepted match, and matching re-ranks every open demand of those carriers'
# fields; the bulk of the demands stays out of that.
JOURNEY_FIELD = (
    "materials.composites",
    "碳纤维复合材料构件成型",
    "碳纤维复合材料、树脂基体与构件成型工艺。",
    "复合材料",
)

# A second, narrower profile per field: no two carriers score alike (a tie would rank at random).
NARROW = ("电池安全评估", "逆变器控制", "纳滤膜材料")


def carrier_body(i: int, *, journey: bool = False) -> dict[str, Any]:
    code, _, capabilities, keyword = JOURNEY_FIELD if journey else FIELDS[i % len(FIELDS)]
    narrow = i // len(FIELDS) % 2 == 1
    return {
        "kind": "research_institute",
        "name_zh": f"故障演练研究所{i:02d}",
        "city": "苏州" if narrow else "南京",
        "province": "江苏",
        "fields": [code],
        "capabilities": f"专注于{NARROW[i % len(FIELDS)]}的研究、测试与技术服务。" if narrow else capabilities,
        "keywords": [NARROW[i % len(FIELDS)]] if narrow else [keyword],
        "capacity": 1000,
    }


def demand_body(i: int, enterprise_id: str, *, journey: bool = False) -> dict[str, Any]:
    code, title, capabilities, keyword = JOURNEY_FIELD if journey else FIELDS[i % len(FIELDS)]
    return {
        "enterprise_id": enterprise_id,
        "title": f"{title}{i:04d}",
        "description": f"需求{i:04d}：{capabilities}提高性能与可靠性，完成样机与测试。",
        "fields": [code],
        "keywords": [keyword],
        "demand_type": "technology_development",
        "expected_outcome": "样机与测试报告",
        "budget": "2000000.00",
        "deadline": (datetime.now(UTC) + timedelta(days=200)).isoformat(),
        "province": "江苏",
        "city": "苏州",
        "contact": {"name": "李工"},
    }


def complete_terms(value: str) -> dict[str, Any]:
    half = (Decimal(value) / 2).quantize(Decimal("0.01"))
    today = date.today()
    return {
        "scope": "完成材料配方开发、中试验证，提交样品、工艺包与第三方检测报告。",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=540)).isoformat(),
        "ip_ownership": "joint",
        "ip_enterprise_share": "60",
        "ip_carrier_share": "40",
        "confidentiality": "confidential",
        "confidentiality_years": 5,
        "milestones": [
            {
                "title": "第一阶段",
                "deliverables": "配方与小试报告",
                "due_on": (today + timedelta(days=180)).isoformat(),
                "amount": str(half),
            },
            {
                "title": "第二阶段",
                "deliverables": "中试样品与检测报告",
                "due_on": (today + timedelta(days=500)).isoformat(),
                "amount": str(Decimal(value) - half),
            },
        ],
    }


async def poll(
    client: Client, path: str, ready: Any, *, timeout_s: float = 300.0, interval_s: float = 0.5
) -> dict[str, Any] | None:
    """GET ``path`` until ``ready(body)`` holds (404 or 202 pending while it does not exist yet)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        r = await client.call("GET", path)
        if r is None:
            return None
        if r.status_code == 200:
            body = r.json()
            if ready(body):
                return dict(body)
        elif r.status_code not in (202, 404):  # 202: the gateway says it is pending (not there yet)
            client.ledger.unexpected.append(f"GET {path}: {r.status_code} {r.text[:300]}")
            return None
        await asyncio.sleep(interval_s)
    client.ledger.abandoned.append(f"waiting for GET {path}")
    return None


async def journey(client: Client, demand_id: str, enterprise_id: str) -> None:
    """A demand's way to money: publish it, accept its top suggestion once matching has seen it
    published, complete and sign the drafted contract, deliver and accept its first milestone, pay it."""
    led = client.ledger
    published = await client.call("POST", f"/api/v1/demands/{demand_id}/publish")
    if published is None:
        return
    if published.status_code not in (200, 409):  # 409: an earlier attempt published it
        led.unexpected.append(f"publish {demand_id}: {published.status_code} {published.text[:300]}")
        return
    view = await poll(
        client,
        f"/api/v1/demands/{demand_id}/suggestions",
        lambda b: b.get("status") == "published" and bool(b.get("carriers")),
    )
    if view is None:
        return
    carrier_id = str(view["carriers"][0]["carrier_id"])
    match_id = await client.create(
        "matches",
        "/api/v1/matches",
        {"demand_id": demand_id, "carrier_id": carrier_id, "decision": "accepted"},
        id_field="match_id",
    )
    if match_id is None:
        return
    page = await poll(client, f"/api/v1/contracts?match_id={match_id}", lambda b: bool(b.get("items")))
    if page is None:
        return
    contract_id = str(page["items"][0]["id"])
    pay_key = str(uuid.uuid4())
    for _ in range(40):  # each pass moves the contract one step; ambiguous outcomes are re-read
        r = await client.call("GET", f"/api/v1/contracts/{contract_id}")
        if r is None:
            return
        if r.status_code != 200:
            led.unexpected.append(f"GET contract {contract_id}: {r.status_code} {r.text[:300]}")
            return
        c = r.json()
        etag = r.headers.get("etag", "")
        actions = c["allowed_actions"]
        base = f"/api/v1/contracts/{contract_id}"
        step: tuple[str, str, dict[str, str], Any] | None = None
        if c["signing"] and c["signing"]["problems"] and "edit" in actions:
            step = ("PATCH", base, {**STAFF, "If-Match": etag}, complete_terms(c["value"]))
        elif "sign_as_enterprise" in actions:
            step = ("POST", f"{base}/sign", enterprise_user(enterprise_id), {"signatory": "法定代表人 王伟"})
        elif "sign_as_carrier" in actions:
            step = ("POST", f"{base}/sign", carrier_user(carrier_id), {"signatory": "所长 陈明"})
        elif c["status"] == "in_force":
            m = c["milestones"][0]
            ms = f"{base}/milestones/{m['id']}"
            if m["status"] == "paid":
                led.accept("paid_contracts", contract_id)
                led.journeys_done += 1
                return
            if "deliver" in m["allowed_actions"]:
                step = ("POST", f"{ms}/deliver", carrier_user(carrier_id), {"note": "交付物已上传"})
            elif "accept" in m["allowed_actions"]:
                step = ("POST", f"{ms}/accept", enterprise_user(enterprise_id), None)
            elif "pay" in m["allowed_actions"]:
                paid = await client.call(
                    "POST",
                    f"{ms}/payments",
                    headers={**STAFF, "Idempotency-Key": pay_key},
                    json={"amount": m["outstanding"], "reference": f"FAULTS-{contract_id[:8]}"},
                )
                if paid is not None and paid.status_code == 201:
                    led.accept("payments", str(paid.json()["id"]))
                elif paid is not None:
                    led.unexpected.append(f"pay {contract_id}: {paid.status_code} {paid.text[:300]}")
                continue
        if step is None:
            led.unexpected.append(f"contract {contract_id} stuck in {c['status']} ({actions})")
            return
        method, path, headers, body = step
        answer = await client.call(method, path, headers=headers, json=body)
        if answer is None:
            return
        # 409/412: the step was taken by an earlier attempt whose answer was lost; read again.
        if answer.status_code not in (200, 409, 412):
            led.unexpected.append(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
            return
    led.unexpected.append(f"contract {contract_id} did not reach a payment in 40 steps")
