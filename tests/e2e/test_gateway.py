"""The gateway's own duties, through the embedded platform: who may call, how often, what is
forwarded, and what a portal gets when a service is down."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from services.gateway.credentials import ApiKeyStore
from services.gateway.main import create_gateway_app
from services.gateway.settings import GatewaySettings
from shared.db import create_engine
from shared.testing import auth_headers, free_port, token_for, wait_for
from tests.e2e.slice import BATTERY_CARRIER, demand_body, new_credit_code


async def register_enterprise(client: httpx.AsyncClient) -> str:
    r = await client.post(
        "/api/v1/enterprises",
        json={
            "name_zh": "常州精密制造有限公司",
            "credit_code": new_credit_code(),
            "province": "江苏",
            "city": "常州",
            "industry_code": "C34",
            "size": "medium",
            "contacts": [{"name": "赵工"}],
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_no_credentials_is_401_with_www_authenticate(embedded: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=embedded["platform"].gateway_url) as anonymous:
        r = await anonymous.get("/api/v1/demands")
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.headers["content-type"].startswith("application/problem+json")
        # The vocabulary is public.
        assert (await anonymous.get("/api/v1/vocabulary/fields")).status_code == 200


async def test_a_forged_or_expired_token_is_refused(embedded: dict[str, Any]) -> None:
    from datetime import timedelta

    from shared.auth import issue_token
    from shared.settings import ServiceSettings

    expired = issue_token(ServiceSettings(env="test"), subject="x", roles=["admin"], ttl=timedelta(minutes=-5))
    forged = issue_token(ServiceSettings(env="test", jwt_secret="another-secret-" * 3), subject="x", roles=["admin"])
    async with httpx.AsyncClient(base_url=embedded["platform"].gateway_url) as c:
        r = await c.get("/api/v1/demands", headers={"Authorization": f"Bearer {expired}"})
        assert (r.status_code, r.json()["type"]) == (401, "/problems/token-expired")
        r = await c.get("/api/v1/demands", headers={"Authorization": f"Bearer {forged}"})
        assert (r.status_code, r.json()["type"]) == (401, "/problems/invalid-token")


async def test_services_verify_the_token_themselves(embedded: dict[str, Any]) -> None:
    """A request that reaches a service directly, around the gateway, gets nothing without a token."""
    demand_port = embedded["ports"]["demand"]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{demand_port}") as direct:
        assert (await direct.get("/api/v1/demands")).status_code == 401
        r = await direct.get("/api/v1/demands", headers=auth_headers("dashboard_viewer"))
        assert r.status_code == 200


async def test_api_key_is_exchanged_and_revocation_takes_effect(
    embedded: dict[str, Any], embedded_gateway: httpx.AsyncClient
) -> None:
    enterprise_id = await register_enterprise(embedded_gateway)
    engine = create_engine(f"sqlite+aiosqlite:///{embedded['data_dir']}/gateway.db")
    store = ApiKeyStore(engine)
    try:
        key = await store.create(subject="portal-backend", roles=["enterprise_user"], enterprise_id=enterprise_id)
        async with httpx.AsyncClient(base_url=embedded["platform"].gateway_url, timeout=10) as portal:
            r = await portal.post("/api/v1/demands", json=demand_body(enterprise_id), headers={"X-API-Key": key})
            assert r.status_code == 201, r.text
            # The key is bound to its enterprise: it cannot act for another.
            other = await register_enterprise(embedded_gateway)
            r = await portal.post("/api/v1/demands", json=demand_body(other), headers={"X-API-Key": key})
            assert r.status_code == 403
            bad = key[:-4] + "AAAA"
            assert (await portal.get("/api/v1/demands", headers={"X-API-Key": bad})).status_code == 401
            key_id = key.split("_")[1]
            assert await store.revoke(key_id)

            async def refused() -> bool:
                r = await portal.get("/api/v1/demands", headers={"X-API-Key": key})
                return (r.status_code, r.json().get("type")) == (401, "/problems/revoked-api-key")

            await wait_for(refused, timeout_s=5, interval_s=0.2, what="the revoked key refused")
        assert all(k.key_hash != key and key.split("_", 2)[2] not in str(k) for k in await store.list())
    finally:
        await engine.dispose()


async def test_request_id_and_trace_context_flow_into_the_events(
    embedded: dict[str, Any], embedded_gateway: httpx.AsyncClient
) -> None:
    enterprise_id = await register_enterprise(embedded_gateway)
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    r = await embedded_gateway.post(
        "/api/v1/demands",
        json=demand_body(enterprise_id),
        headers={"X-Request-ID": "req-portal-42", "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
    )
    assert r.status_code == 201
    assert r.headers["x-request-id"] == "req-portal-42"
    demand_id = r.json()["id"]
    bus = embedded["platform"].bus

    async def submitted_event() -> dict[str, Any] | None:
        for m in bus.messages("itp.demand.events"):
            doc = orjson.loads(m.value or b"{}")
            if doc.get("subject") == demand_id and doc["type"].endswith("DemandSubmitted.v1"):
                return dict(doc)
        return None

    event = await wait_for(submitted_event, timeout_s=10, what="DemandSubmitted on the bus")
    assert event["traceparent"].split("-")[1] == trace_id, "the event continues the caller's trace"


async def test_rate_limit_answers_429_with_retry_after(embedded: dict[str, Any]) -> None:
    ports = embedded["ports"]
    settings = GatewaySettings(
        service_name="gateway",
        env="test",
        rate_limit_per_minute=60,
        rate_limit_burst=3,
        api_keys_enabled=False,
        **{f"{n}_url": f"http://127.0.0.1:{p}" for n, p in ports.items()},  # type: ignore[arg-type]
    )
    app = create_gateway_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as gw,
    ):
        heavy = {"Authorization": f"Bearer {token_for('operator', subject='busy-user')}"}
        codes = [(await gw.get("/api/v1/demands?limit=1", headers=heavy)).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        limited = await gw.get("/api/v1/demands?limit=1", headers=heavy)
        assert int(limited.headers["retry-after"]) >= 1
        # Limits are per caller: someone else is not affected.
        other = {"Authorization": f"Bearer {token_for('operator', subject='quiet-user')}"}
        assert (await gw.get("/api/v1/demands?limit=1", headers=other)).status_code == 200


@pytest.fixture
async def gateway_with_matching_down(embedded: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    ports = dict(embedded["ports"])
    ports["matching"] = free_port()  # nothing listens there
    settings = GatewaySettings(
        service_name="gateway",
        env="test",
        api_keys_enabled=False,
        compose_timeout_s=1.0,
        **{f"{n}_url": f"http://127.0.0.1:{p}" for n, p in ports.items()},  # type: ignore[arg-type]
    )
    app = create_gateway_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gw", headers=auth_headers("admin")
        ) as gw,
    ):
        yield gw


async def test_a_partial_outage_is_never_a_500(
    embedded_gateway: httpx.AsyncClient, gateway_with_matching_down: httpx.AsyncClient
) -> None:
    enterprise_id = await register_enterprise(embedded_gateway)
    await embedded_gateway.post("/api/v1/carriers", json=BATTERY_CARRIER)
    created = await embedded_gateway.post("/api/v1/demands", json=demand_body(enterprise_id))
    demand_id = created.json()["id"]
    started = asyncio.get_running_loop().time()
    r = await gateway_with_matching_down.get(f"/api/v1/demands/{demand_id}")
    assert asyncio.get_running_loop().time() - started < 5
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == demand_id and body["title"] == created.json()["title"]
    assert body["suggestions"] is None and body["suggestions_status"] == "unavailable"
    assert "suggestions" in body["missing"]
    # A route owned by the missing service is a clear 503 problem, not a 500.
    r = await gateway_with_matching_down.get(f"/api/v1/demands/{demand_id}/suggestions")
    assert r.status_code == 503 and r.json()["service"] == "matching" and r.headers["retry-after"]


async def test_enterprise_home_shows_the_next_step(embedded_gateway: httpx.AsyncClient) -> None:
    enterprise_id = await register_enterprise(embedded_gateway)
    await embedded_gateway.post("/api/v1/demands", json=demand_body(enterprise_id))
    await embedded_gateway.post("/api/v1/demands", json={**demand_body(enterprise_id), "submit": False})
    home = await embedded_gateway.get(
        f"/api/v1/enterprises/{enterprise_id}/home",
        headers=auth_headers("enterprise_user", enterprise_id=enterprise_id),
    )
    assert home.status_code == 200, home.text
    steps = sorted((d["status"], d["next_step"]["action"]) for d in home.json()["demands"])
    assert steps == [("draft", "submit"), ("submitted", "review")]
    other = await embedded_gateway.get(
        f"/api/v1/enterprises/{enterprise_id}/home",
        headers=auth_headers("enterprise_user", enterprise_id="00000000-0000-0000-0000-000000000001"),
    )
    assert other.status_code == 403


async def test_dashboard_through_the_gateway(embedded: dict[str, Any], embedded_gateway: httpx.AsyncClient) -> None:
    """The page is public; KPIs need a viewer; the live stream (with ?access_token=, as a browser's
    EventSource sends it) carries a demand from its publication on, never its submission before."""
    base = embedded["platform"].gateway_url
    async with httpx.AsyncClient(base_url=base, timeout=10) as anonymous:
        page = await anonymous.get("/dashboard")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "content-security-policy" in page.headers
        assert (await anonymous.get("/api/v1/dashboard/kpis")).status_code == 401
    viewer = token_for("dashboard_viewer", subject="wall-screen")
    assert (
        await embedded_gateway.get("/api/v1/dashboard/kpis", headers={"Authorization": f"Bearer {viewer}"})
    ).status_code == 200
    enterprise_id = await register_enterprise(embedded_gateway)
    wanted = "DemandSubmitted,DemandPublished"
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(10, read=20)) as browser:
        async with browser.stream(
            "GET", "/api/v1/dashboard/events", params={"types": wanted, "access_token": viewer}
        ) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            created = await embedded_gateway.post("/api/v1/demands", json=demand_body(enterprise_id))
            demand_id = created.json()["id"]
            assert (await embedded_gateway.post(f"/api/v1/demands/{demand_id}/publish")).status_code == 200

            async def first_about_it() -> dict[str, Any]:
                async for line in stream.aiter_lines():
                    if line.startswith("data:"):
                        data = orjson.loads(line.split(":", 1)[1])
                        if data["subject"] == demand_id:
                            return dict(data)
                raise AssertionError("the stream ended")

            event = await asyncio.wait_for(first_about_it(), 15)
    # The submission came first on the bus, but a viewer sees the demand only once published.
    assert event["type"] == "DemandPublished"


async def test_carrier_inbox_lists_the_demands_suggested_to_it(embedded_gateway: httpx.AsyncClient) -> None:
    carrier = (await embedded_gateway.post("/api/v1/carriers", json=BATTERY_CARRIER)).json()
    enterprise_id = await register_enterprise(embedded_gateway)
    demand = (await embedded_gateway.post("/api/v1/demands", json=demand_body(enterprise_id))).json()
    # Carriers see a demand from its publication on.
    assert (await embedded_gateway.post(f"/api/v1/demands/{demand['id']}/publish")).status_code == 200
    as_carrier = auth_headers("carrier_user", carrier_id=carrier["id"])

    async def inbox() -> dict[str, Any] | None:
        r = await embedded_gateway.get(f"/api/v1/carriers/{carrier['id']}/inbox", headers=as_carrier)
        assert r.status_code == 200, r.text
        body = r.json()
        return body if any(d["demand_id"] == demand["id"] for d in body["suggested_demands"] or []) else None

    body = await wait_for(inbox, timeout_s=15, what="the demand in the carrier's inbox")
    entry = next(d for d in body["suggested_demands"] if d["demand_id"] == demand["id"])
    assert entry["title"] == demand["title"] and entry["components"]["fields"] > 0
    assert "description" not in entry and body["missing"] == []
    other = auth_headers("carrier_user", carrier_id="00000000-0000-0000-0000-000000000002")
    assert (await embedded_gateway.get(f"/api/v1/carriers/{carrier['id']}/inbox", headers=other)).status_code == 403


async def test_an_encoded_separator_or_query_never_reaches_another_route(embedded_gateway: httpx.AsyncClient) -> None:
    """Issue 13: ``/api/v1/people/%3Fx`` listed people, ``/api/v1/assignments/%23x`` returned a list."""
    enterprise_id = await register_enterprise(embedded_gateway)
    segments = ("%3Fx", "%23x", "%0A", "%3Flimit=1", "%2F..", "%2E%2E", "x%00")
    bases = ("people", "assignments", "carriers", "trainees", "demands", "enterprises", "contracts", "matches")
    urls = [f"/api/v1/{b}/{s}" for b in bases for s in segments]
    urls += [f"/api/v1/enterprises/{enterprise_id}/{s}" for s in segments]
    urls += [f"/api/v1/{c.format(s)}" for c in ("carriers/{}/inbox", "enterprises/{}/home") for s in segments]
    for url in urls:
        r = await embedded_gateway.get(url)
        assert r.status_code in (400, 404, 405, 422), (url, r.status_code, r.text[:200])
        assert r.headers["content-type"] == "application/problem+json", url
        assert "items" not in r.json(), url


async def test_field_inference_through_the_gateway(embedded_gateway: httpx.AsyncClient) -> None:
    r = await embedded_gateway.get("/api/v1/vocabulary/infer", params={"title": "Our battery packs overheat in summer"})
    assert r.status_code == 200, r.text
    codes = [c["code"] for c in r.json()]
    assert {"thermal.cooling", "energy.batteries"} <= set(codes)
