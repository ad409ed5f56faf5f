"""The confidentiality canary: unique markers planted in every hidden field must never reach a caller
who may not see them, on any GET route, in any header, or on the live stream.

Planted, on the embedded platform:

- a confidential, published demand of enterprise A (its own joint innovation center, so a KPI
  row holds it alone): a marker in the description, keywords, expected outcome, province, city,
  contact name, e-mail and phone, a distinctive budget and deadline. Hidden from enterprise B,
  both carriers (neither is granted yet), the dashboard viewer and anonymous callers;
- a submitted, not yet published (public) demand of enterprise A: markers in every field, the
  title included. Hidden from enterprise B, both carriers and anonymous callers (the dashboard's
  funnel and live stream show submitted demands to its viewers by design);
- enterprise A's contact e-mail and phone, and those of both demands' contact: for its own users,
  operators and admins only (not project managers, viewers, or a carrier granted the demand);
- a researcher's contact data: for its own carrier, operators and admins only.

Both carriers' profiles contain the demands' description markers, so the matcher finds the
hidden terms in common: a suggestion that explains itself with them (``matched_terms``) leaks.
The platform processes everything (matching's suggestions, a curation decision, a batch
assignment, the dashboard's projections); then every GET route of the gateway's OpenAPI document
(and of each service's own port) is crawled, its path parameters filled with the ids made, as
each caller: no marker and no term derived from one (its CJK bigrams, its Latin words) may appear.
Searching or filtering by a hidden value must not find the demand either. Finally carrier A is
granted access and must then see the markers, and nobody else may.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import uuid
from collections.abc import AsyncIterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest

from shared.testing import auth_headers, token_for, wait_for
from shared.text import tokenize
from tests.e2e.authz_world import CARRIER_A, enterprise_body, get_patiently, person_body
from tests.e2e.slice import demand_body

pytestmark = pytest.mark.e2e

# Idle connections are dropped before the servers' keep-alive (5 s) closes them under a request.
POOL = httpx.Limits(keepalive_expiry=2.0)

CALLERS = ("ent_a", "ent_b", "car_a", "car_b", "pm", "viewer", "anon")  # operators and admins see everything

# Rare characters (simplified fish names), each used once: a marker's bigrams occur nowhere else.
_RARE = [chr(c) for c in range(0x9C9D, 0x9CE3) if chr(c) not in "鲜鲟鲢鲤鲨鲫鲸鲭鲮鲶鲷鳄鳅鳌鳍鳐鳖鳗鳝鳞鳟"]
_LATIN = "abcdefghijkmnpqrtuvwxyz"  # no "s": the stemmer would cut a trailing one


class Markers:
    """Unique, deterministic marker strings: three rare CJK characters and a Latin word each."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.chars = list(_RARE)
        self.rng.shuffle(self.chars)

    def word(self) -> str:
        return self.rng.choice(_LATIN) + "".join(self.rng.choice(_LATIN + "23456789") for _ in range(6))

    def text(self) -> str:
        cjk = "".join(self.chars.pop() for _ in range(3))
        return f"{cjk}{self.word()}"

    def digits(self, n: int) -> str:
        return str(self.rng.randint(10 ** (n - 1), 10**n - 1))


@dataclass(frozen=True)
class Secret:
    name: str
    value: str
    terms: frozenset[str]  # the value and what is derived from it
    hidden_from: frozenset[str]

    def found_in(self, text: str) -> str | None:
        lowered = text.lower()
        return next((t for t in sorted(self.terms) if t in lowered), None)


def secret(name: str, value: str, hidden_from: AbstractSet[str], *extra: str) -> Secret:
    derived = {t for t in tokenize(value) if len(t) >= 2 and not t.isdigit()}
    return Secret(name, value, frozenset({value.lower(), *derived, *extra}), frozenset(hidden_from))


def planted_demand(markers: Markers, enterprise_id: str, **overrides: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A demand body with a marker in every field but the title, and the markers by field."""
    m = {
        "description": markers.text(),
        "keyword": markers.text(),
        "expected_outcome": markers.text(),
        "province": markers.text(),
        "city": markers.text(),
        "contact_name": markers.text(),
        "contact_email": f"{markers.word()}@{markers.word()}.example",
        "contact_phone": "+86-139" + markers.digits(8),
        "budget": f"{markers.digits(8)}.37",
        "deadline": f"{2030 + markers.rng.randint(0, 9)}-0{markers.rng.randint(1, 9)}-1{markers.rng.randint(1, 9)}",
    }
    body = demand_body(
        enterprise_id,
        description=f"开发{m['description']}固态电解质，提高锂电池能量密度与热安全性，循环寿命超过2000次。",
        keywords=["固态电池", m["keyword"]],
        expected_outcome=f"{m['expected_outcome']}样机与测试报告",
        province=m["province"],
        city=m["city"],
        contact={"name": m["contact_name"], "email": m["contact_email"], "phone": m["contact_phone"]},
        budget=m["budget"],
        deadline=f"{m['deadline']}T03:17:29+00:00",
        **overrides,
    )
    return body, m


# An enterprise's contact data (the demand's contact too) is for its own users, operators and admins.
CONTACT_HIDDEN_FROM = frozenset({"ent_b", "car_a", "car_b", "pm", "viewer", "anon"})
CONTACT_DATA = ("contact_email", "contact_phone")


def demand_secrets(prefix: str, m: dict[str, str], hidden_from: AbstractSet[str]) -> list[Secret]:
    out = []
    for name, value in m.items():
        extra: tuple[str, ...] = ()
        if name == "budget":
            extra = (value.split(".")[0],)  # the amount, however it is rendered
        elif name == "contact_phone":
            extra = (value.removeprefix("+86-"),)
        who = hidden_from | CONTACT_HIDDEN_FROM if name in CONTACT_DATA else hidden_from
        out.append(secret(f"{prefix}.{name}", value, who, *extra))
    return out


# -- the platform and what is planted in it -----------------------------------------------------------


@dataclass
class Canary:
    gateway: httpx.AsyncClient
    services: dict[str, httpx.AsyncClient]
    service_of: dict[str, str]  # a GET path -> the service whose own OpenAPI lists it
    get_paths: list[str]
    ids: dict[str, str]
    headers: dict[str, dict[str, str]]
    secrets: list[Secret]
    streams: dict[str, list[str]]  # caller -> the live stream's frames it received
    conf_markers: dict[str, str]
    unpub_markers: dict[str, str]
    public: tuple[str, ...]  # texts anyone may read that contain markers (the carriers' profiles)

    def readable(self, text: str) -> str:
        """A body as a reader would see it (JSON ``\\u`` escapes decoded), without the public texts."""
        if "\\u" in text:
            with contextlib.suppress(ValueError):
                text = orjson.dumps(orjson.loads(text)).decode()
        for public in self.public:
            text = text.replace(public, "")
        return text


async def _post(client: httpx.AsyncClient, path: str, body: Any, status: int = 201) -> dict[str, Any]:
    r = await client.post(path, json=body)
    assert r.status_code == status, f"{path}: {r.status_code} {r.text}"
    return dict(r.json())


async def _listen(client: httpx.AsyncClient, token: str, frames: list[str], ready: asyncio.Event) -> None:
    async with client.stream("GET", "/api/v1/dashboard/events", params={"access_token": token}) as r:
        assert r.status_code == 200, await r.aread()
        ready.set()
        async for line in r.aiter_lines():
            frames.append(line)


@pytest.fixture(scope="module")
async def canary(embedded: dict[str, Any]) -> AsyncIterator[Canary]:
    base = embedded["platform"].gateway_url
    admin = httpx.AsyncClient(
        base_url=base, timeout=15, limits=POOL, headers=auth_headers("admin", subject="canary-admin")
    )
    gateway = httpx.AsyncClient(base_url=base, timeout=15, limits=POOL)
    services = {
        n: httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=15, limits=POOL)
        for n, p in embedded["ports"].items()
    }
    streams: dict[str, list[str]] = {"viewer": [], "pm": []}
    listeners = []
    try:
        # The live stream, from before anything is planted.
        for who, role in (("viewer", "dashboard_viewer"), ("pm", "project_manager")):
            ready = asyncio.Event()
            token = token_for(role, subject=f"canary-{who}-stream")
            listeners.append(asyncio.create_task(_listen(gateway, token, streams[who], ready)))
            await asyncio.wait_for(ready.wait(), 60)

        markers = Markers(seed=13)
        ids: dict[str, str] = {}
        conf_desc, unpub_desc = markers.text(), markers.text()
        # Both carriers' profiles share the demands' hidden description markers (see the module doc).
        probe = f"本所长期研究{conf_desc}与{unpub_desc}相关的固态电解质材料与电池安全评估。"
        for key, name in (("car_a", "金丝雀储能研究所甲"), ("car_b", "金丝雀储能研究所乙")):
            ids[key] = (await _post(admin, "/api/v1/carriers", {**CARRIER_A, "name_zh": name, "capabilities": probe}))[
                "id"
            ]
        ent_contact = {"email": f"{markers.word()}@{markers.word()}.example", "phone": "+86-138" + markers.digits(8)}
        ent = enterprise_body("金丝雀测试甲公司")
        ent["contacts"] = [{"name": "吴工", **ent_contact}]
        ids["ent_a"] = (await _post(admin, "/api/v1/enterprises", ent))["id"]
        ids["ent_b"] = (await _post(admin, "/api/v1/enterprises", enterprise_body("金丝雀测试乙公司")))["id"]
        person_contact = {
            "email": f"{markers.word()}@{markers.word()}.example",
            "phone": "+86-137" + markers.digits(8),
            "wechat": markers.text(),
        }
        ids["person"] = (
            await _post(admin, "/api/v1/people", person_body(ids["car_a"], "researcher", contact=person_contact))
        )["id"]
        ids["pm_person"] = (await _post(admin, "/api/v1/people", person_body(None, "project_manager")))["id"]
        ids["center"] = (
            await _post(
                admin,
                f"/api/v1/enterprises/{ids['ent_a']}/centers",
                {
                    "name": "金丝雀联合创新中心",
                    "established_on": date(2025, 1, 1).isoformat(),
                    "committed_funding": "1.00",
                },
            )
        )["id"]

        conf_body, conf_m = planted_demand(
            markers, ids["ent_a"], confidentiality="confidential", center_id=ids["center"]
        )
        conf_body["description"] = conf_body["description"].replace(conf_m["description"], conf_desc)
        conf_m["description"] = conf_desc
        ids["conf"] = (await _post(admin, "/api/v1/demands", conf_body))["id"]
        await _post(admin, f"/api/v1/demands/{ids['conf']}/publish", None, 200)

        unpub_body, unpub_m = planted_demand(markers, ids["ent_a"])
        unpub_body["description"] = unpub_body["description"].replace(unpub_m["description"], unpub_desc)
        unpub_m["description"] = unpub_desc
        unpub_m["title"] = markers.text()
        unpub_body["title"] = f"{unpub_m['title']}电解质开发"
        ids["unpub"] = (await _post(admin, "/api/v1/demands", unpub_body))["id"]

        # Let the platform process it: matching ranks both carriers for both demands ...
        for d in ("conf", "unpub"):

            async def ranked(demand_id: str = ids[d]) -> bool:
                r = await admin.get(f"/api/v1/demands/{demand_id}/suggestions")
                got = {s["carrier_id"] for s in r.json().get("carriers") or []} if r.status_code == 200 else set()
                return {ids["car_a"], ids["car_b"]} <= got

            await wait_for(ranked, timeout_s=20, what=f"suggestions of the {d} demand")
        # ... staff curate (a decision about carrier A, a batch assignment, a project manager) ...
        decision = {
            "demand_id": ids["conf"],
            "carrier_id": ids["car_a"],
            "decision": "rejected",
            "reason": {"code": "other", "note": "金丝雀"},
        }

        async def decided() -> str | None:  # 409 until matching has learnt of the publication
            r = await admin.post("/api/v1/matches", json=decision)
            assert r.status_code in (201, 409), r.text
            return str(r.json()["match_id"]) if r.status_code == 201 else None

        ids["match"] = await wait_for(decided, timeout_s=20, what="matching to take the decision")
        ids["batch"] = (await _post(admin, "/api/v1/match-assignments", {"demand_ids": [ids["conf"], ids["unpub"]]}))[
            "batch_id"
        ]
        ids["assignment"] = (
            await _post(
                admin,
                "/api/v1/assignments",
                {
                    "target_type": "demand",
                    "target_id": ids["conf"],
                    "person_id": ids["pm_person"],
                    "role": "project_manager",
                },
            )
        )["id"]

        # ... and the dashboard projects it all (the decision is the last event made above).
        async def projected() -> bool:
            r = await admin.get("/api/v1/dashboard/recent-events", params={"limit": 100})
            return any(e["subject"] in (ids["match"], ids["conf"]) and "Match" in e["type"] for e in r.json()["items"])

        await wait_for(projected, timeout_s=20, what="the dashboard to project the curation")
        await wait_for(
            lambda: _async(any(ids["match"] in f for f in streams["viewer"]) or None),
            timeout_s=20,
            what="the live stream to carry the curation",
        )

        outsiders = {"ent_b", "car_a", "car_b", "anon"}
        secrets = [
            *demand_secrets("confidential", conf_m, outsiders | {"viewer"}),
            *demand_secrets("unpublished", unpub_m, outsiders),
            secret("enterprise.contact_email", ent_contact["email"], CONTACT_HIDDEN_FROM),
            secret(
                "enterprise.contact_phone",
                ent_contact["phone"],
                CONTACT_HIDDEN_FROM,
                ent_contact["phone"].removeprefix("+86-"),
            ),
            *(
                secret(f"person.{k}", v, {"ent_a", "ent_b", "car_b", "pm", "viewer", "anon"}, v.removeprefix("+86-"))
                for k, v in person_contact.items()
            ),
        ]
        headers = {
            "ent_a": auth_headers("enterprise_user", subject="canary-ent-a", enterprise_id=ids["ent_a"]),
            "ent_b": auth_headers("enterprise_user", subject="canary-ent-b", enterprise_id=ids["ent_b"]),
            "car_a": auth_headers("carrier_user", subject="canary-car-a", carrier_id=ids["car_a"]),
            "car_b": auth_headers("carrier_user", subject="canary-car-b", carrier_id=ids["car_b"]),
            "pm": auth_headers("project_manager", subject="canary-pm", person_id=ids["pm_person"]),
            "viewer": auth_headers("dashboard_viewer", subject="canary-viewer"),
            "anon": {},
        }
        doc = (await gateway.get("/openapi.json")).json()
        get_paths = sorted(p for p, ops in doc["paths"].items() if p.startswith("/api/v1/") and "get" in ops)
        service_of = {}
        for name, client in services.items():
            for p, ops in (await client.get("/openapi.json")).json()["paths"].items():
                if p.startswith("/api/v1/") and "get" in ops:
                    service_of[p] = name
        yield Canary(
            gateway, services, service_of, get_paths, ids, headers, secrets, streams, conf_m, unpub_m, (probe,)
        )
    finally:
        for task in listeners:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for c in (admin, gateway, *services.values()):
            await c.aclose()


async def _async(value: Any) -> Any:
    return value


# -- the crawl -----------------------------------------------------------------------------------------


def fill(path: str, ids: dict[str, str]) -> list[str]:
    """Every way to fill ``path``'s parameters with the ids planted (an unknown kind: a random id)."""
    choices = {
        "demand_id": [ids["conf"], ids["unpub"]],
        "enterprise_id": [ids["ent_a"]],
        "carrier_id": [ids["car_a"], ids["car_b"]],
        "person_id": [ids["person"], ids["pm_person"]],
        "match_id": [ids["match"]],
        "batch_id": [ids["batch"]],
        "assignment_id": [ids["assignment"]],
        "dimension": ["center", "carrier", "project_manager", "field", "province", "month"],
    }
    names = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
    options = [choices.get(n, [str(uuid.uuid4())]) for n in names]
    return [path.format(**dict(zip(names, combo, strict=True))) for combo in itertools.product(*options)]


def queries(path: str, c: Canary) -> list[str]:
    """Query strings worth asking on a list route (the plain one first)."""
    if path == "/api/v1/demands":
        return ["", "status=submitted", "sort=-budget", "sort=deadline"]
    if path == "/api/v1/contracts/totals":
        return [f"by={by}" for by in ("carrier", "center", "project_manager", "month")]
    if path == "/api/v1/matches":
        return ["", f"demand_id={c.ids['conf']}"]
    return [""]


async def crawl(c: Canary, caller: str) -> list[str]:
    """Every GET route as ``caller``: what it received that it must not have (one line per leak)."""
    hidden = [s for s in c.secrets if caller in s.hidden_from]
    urls = [
        (path, url + (f"?{q}" if q else ""))
        for path in c.get_paths
        for url in fill(path, c.ids)
        for q in queries(path, c)
    ]

    async def fetch(target: str, client: httpx.AsyncClient, url: str) -> list[str]:
        if url.startswith("/api/v1/dashboard/events"):
            async with client.stream("GET", url, headers=c.headers[caller]) as r:
                text = "" if r.status_code == 200 else (await r.aread()).decode()
                head = str(r.headers)
        else:
            r = await get_patiently(client, url, c.headers[caller])
            assert r.status_code < 500, f"{target} {url} as {caller}: {r.status_code} {r.text}"
            text, head = c.readable(r.text), str(r.headers)
        return [
            f"{target} GET {url} as {caller}: {s.name} ({term!r})"
            for s in hidden
            for part in (text, head)
            if (term := s.found_in(part))
        ]

    calls = []
    for path, url in urls:
        calls.append(fetch("gateway", c.gateway, url))
        if path in c.service_of:
            calls.append(fetch(c.service_of[path], c.services[c.service_of[path]], url))
    found = await asyncio.gather(*calls)
    return sorted({leak for some in found for leak in some})


def oracle_queries(m: dict[str, str]) -> list[str]:
    """Searches and filters that would find the demand only by what is hidden in it."""
    amount = m["budget"]
    return [
        f"q={quote(m['description'][:3])}",
        f"q={quote(m['description'][3:])}",
        f"q={quote(m['expected_outcome'][:3])}",
        f"q={quote(m['keyword'][:3])}",
        f"city={quote(m['city'])}",
        f"province={quote(m['province'])}",
        f"budget_min={amount}&budget_max={amount}",
        f"deadline_from={m['deadline']}T00:00:00%2B00:00&deadline_to={m['deadline']}T23:59:59%2B00:00",
    ]


async def search_oracles(c: Canary, caller: str, demand: str, m: dict[str, str]) -> list[str]:
    found = []
    for q in oracle_queries(m):
        r = await c.gateway.get(f"/api/v1/demands?{q}", headers=c.headers[caller])
        assert r.status_code == 200, f"{q}: {r.status_code} {r.text}"
        if c.ids[demand] in r.text:
            found.append(f"GET /api/v1/demands?{q} as {caller} finds the {demand} demand by a hidden value")
    return found


# -- the tests ------------------------------------------------------------------------------------------


async def test_no_hidden_marker_reaches_a_caller_who_may_not_see_it(canary: Canary) -> None:
    leaks = [leak for caller in CALLERS for leak in await crawl(canary, caller)]
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(leaks)


async def test_no_hidden_marker_on_the_live_stream(canary: Canary) -> None:
    assert canary.streams["viewer"], "the viewer's stream carried nothing: the canary would prove nothing"
    leaks = [
        f"the live stream as {caller}: {s.name} ({term!r}) in {frame[:300]}"
        for caller, frames in canary.streams.items()
        for frame in frames
        for s in canary.secrets
        if caller in s.hidden_from and (term := s.found_in(canary.readable(frame)))
    ]
    assert not leaks, "\n".join(leaks)


async def test_a_hidden_value_finds_nothing(canary: Canary) -> None:
    found = [
        leak
        for caller in ("ent_b", "car_a", "car_b", "viewer")
        for demand, m in (("conf", canary.conf_markers), ("unpub", canary.unpub_markers))
        if not (demand == "unpub" and caller == "viewer")
        for leak in await search_oracles(canary, caller, demand, m)
    ]
    assert not found, "\n".join(found)


async def test_a_grant_shows_the_markers_to_that_carrier_only(canary: Canary) -> None:
    """The canary can see: once carrier A is granted the confidential demand, carrier A reads every
    marker of it, and still nobody else does."""
    c = canary
    admin = auth_headers("admin", subject="canary-admin")
    r = await c.gateway.post(
        f"/api/v1/demands/{c.ids['conf']}/access-grants", json={"carrier_id": c.ids["car_a"]}, headers=admin
    )
    assert r.status_code == 201, r.text
    mine = await c.gateway.get(f"/api/v1/demands/{c.ids['conf']}", headers=c.headers["car_a"])
    assert mine.status_code == 200, mine.text
    readable = [f"confidential.{k}" for k in c.conf_markers if k not in CONTACT_DATA]
    seen = [s.name for s in c.secrets if s.name in readable and s.found_in(c.readable(mine.text))]
    assert sorted(seen) == sorted(readable)
    c.secrets = [
        Secret(s.name, s.value, s.terms, s.hidden_from - {"car_a"}) if s.name in readable else s for s in c.secrets
    ]
    leaks = [leak for caller in ("ent_b", "car_a", "car_b", "viewer", "anon") for leak in await crawl(c, caller)]
    assert not leaks, f"{len(leaks)} leaks after the grant:\n" + "\n".join(leaks)
