"""Through the gateway: a carrier sees a demand suggested to it only once it is published, and of a
confidential one nothing derived from its hidden text (in its inbox, the demand's suggestions and the
composed demand view) until the enterprise grants it access."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from services.matching.glossary import concepts
from shared.testing import auth_headers, wait_for
from shared.text import tokenize
from tests.e2e.slice import demand_body
from tests.e2e.test_gateway import register_enterprise

MARKER = "钙钛矿"
MARKER_TERMS = set(tokenize(MARKER)) | set(concepts(MARKER)) | {MARKER}
SOLAR_CARRIER = {
    "kind": "research_institute",
    "name_zh": "新型光伏技术研究所",
    "city": "常州",
    "province": "江苏",
    "fields": ["energy.solar"],
    "capabilities": f"{MARKER}太阳电池、叠层电池、光伏组件封装与可靠性。",
    "keywords": [MARKER, "光伏组件"],
    "capacity": 3,
}


def leaked(text: str) -> set[str]:
    return {t for t in MARKER_TERMS if t in text}


async def fetch(client: httpx.AsyncClient, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """The whole answer: a composed view whose parts all answered in time (on a loaded machine a
    part may miss the gateway's deadline once)."""

    async def complete() -> httpx.Response | None:
        r = await client.get(path, headers=headers)
        if r.status_code == 503 or (r.status_code == 200 and r.json().get("missing")):
            return None
        return r

    return await wait_for(complete, timeout_s=15, interval_s=0.1, what=f"a complete answer from {path}")


async def test_a_carrier_sees_a_confidential_demand_suggested_to_it_as_its_teaser_until_granted(
    embedded_gateway: httpx.AsyncClient,
) -> None:
    admin = embedded_gateway
    carrier = (await admin.post("/api/v1/carriers", json=SOLAR_CARRIER)).json()
    enterprise_id = await register_enterprise(admin)
    body = demand_body(
        enterprise_id,
        title="光伏组件转换效率提升",
        description=f"采用{MARKER}叠层结构提升光伏组件转换效率至百分之三十，并解决湿热环境下的衰减问题。",
        fields=["energy.solar"],
        keywords=["光伏组件"],
        confidentiality="confidential",
    )
    r = await admin.post("/api/v1/demands", json=body)
    assert r.status_code == 201, r.text
    demand = r.json()
    paths = (
        f"/api/v1/carriers/{carrier['id']}/inbox",
        f"/api/v1/demands/{demand['id']}/suggestions",
        f"/api/v1/demands/{demand['id']}",
    )
    as_carrier = auth_headers("carrier_user", carrier_id=carrier["id"])

    async def suggested_to_it() -> dict[str, Any] | None:
        view = (await fetch(admin, f"/api/v1/demands/{demand['id']}")).json()
        mine = [s for s in view["suggestions"] or [] if s["carrier_id"] == carrier["id"]]
        return mine[0] if mine else None

    # Submitted: matching suggests the carrier (staff see it, with the marker among its terms) ...
    entry = await wait_for(suggested_to_it, timeout_s=15, what="the carrier among the suggestions")
    assert set(entry["matched_terms"]) & MARKER_TERMS
    # ... but the carrier sees nothing of the demand.
    inbox = (await fetch(admin, paths[0], as_carrier)).json()
    assert all(d["demand_id"] != demand["id"] for d in inbox["suggested_demands"])
    for path in paths[1:]:
        assert (await fetch(admin, path, as_carrier)).status_code == 404, path

    # Published, confidential: the teaser, and nothing derived from the hidden text, on every path.
    assert (await admin.post(f"/api/v1/demands/{demand['id']}/publish")).status_code == 200

    async def in_inbox() -> dict[str, Any] | None:
        items = (await fetch(admin, paths[0], as_carrier)).json()["suggested_demands"]
        return next((d for d in items if d["demand_id"] == demand["id"]), None)

    item = await wait_for(in_inbox, timeout_s=15, what="the published demand in the carrier's inbox")
    assert item["teaser"] is True and item["matched_terms"] == [] and item["score"] is None
    for path in paths:
        r = await fetch(admin, path, as_carrier)
        assert r.status_code == 200, r.text
        # (The inbox shows the carrier's own profile too, which says the marker.)
        about_demands = orjson.dumps(r.json()["suggested_demands"]).decode() if path == paths[0] else r.text
        assert not leaked(about_demands), (path, r.text)
    composed = (await fetch(admin, paths[2], as_carrier)).json()
    assert composed["teaser"] is True and [s["matched_terms"] for s in composed["suggestions"]] == [[]]

    # Granted: the carrier reads it all, the terms matching derived from the hidden text included.
    r = await admin.post(f"/api/v1/demands/{demand['id']}/access-grants", json={"carrier_id": carrier["id"]})
    assert r.status_code == 201, r.text

    async def granted() -> dict[str, Any] | None:
        found = await in_inbox()
        return found if found and set(found["matched_terms"]) & MARKER_TERMS else None

    await wait_for(granted, timeout_s=15, what="the grant to reach matching")
    composed = (await fetch(admin, paths[2], as_carrier)).json()
    assert MARKER in composed["description"]
    assert set(composed["suggestions"][0]["matched_terms"]) & MARKER_TERMS
    # Another carrier, never suggested nor granted, still sees only the teaser of the demand.
    stranger = auth_headers("carrier_user", carrier_id="00000000-0000-0000-0000-000000000003")
    r = await fetch(admin, paths[2], stranger)
    assert r.status_code == 200 and not leaked(r.text), r.text
