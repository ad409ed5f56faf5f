"""The contract a portal builds on, on the embedded platform: OAuth2 client credentials for API
keys, suggestions that say they are pending, and the served document being the generated one."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import httpx

from services.gateway.credentials import ApiKeyStore
from shared.db import create_engine
from shared.testing import auth_headers
from tests.e2e.slice import demand_body, new_credit_code

FORM = {"content-type": "application/x-www-form-urlencoded"}


async def _enterprise(gw: httpx.AsyncClient) -> str:
    r = await gw.post(
        "/api/v1/enterprises",
        json={
            "name_zh": "苏州契约科技有限公司",
            "credit_code": new_credit_code(),
            "province": "江苏",
            "city": "苏州",
            "industry_code": "C38",
            "size": "large",
            "contacts": [{"name": "王工"}],
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_an_api_key_is_exchanged_for_a_bearer_token(
    embedded: dict[str, Any], embedded_gateway: httpx.AsyncClient
) -> None:
    enterprise_id = await _enterprise(embedded_gateway)
    engine = create_engine(f"sqlite+aiosqlite:///{embedded['data_dir']}/gateway.db")
    try:
        key = await ApiKeyStore(engine).create(subject="portal", roles=["enterprise_user"], enterprise_id=enterprise_id)
    finally:
        await engine.dispose()
    _, key_id, secret = key.split("_", 2)
    url = embedded["platform"].gateway_url
    async with httpx.AsyncClient(base_url=url, timeout=10) as anon:
        basic = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
        r = await anon.post(
            "/api/v1/oauth/token",
            content="grant_type=client_credentials",
            headers={**FORM, "authorization": f"Basic {basic}"},
        )
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        token = r.json()
        assert token["token_type"] == "Bearer" and token["expires_in"] > 0
        mine = await anon.get(
            f"/api/v1/enterprises/{enterprise_id}", headers={"authorization": f"Bearer {token['access_token']}"}
        )
        assert mine.status_code == 200, mine.text
        # The form fields work too; X-API-Key still does.
        r = await anon.post(
            "/api/v1/oauth/token",
            data={"grant_type": "client_credentials", "client_id": key_id, "client_secret": secret},
        )
        assert r.status_code == 200, r.text
        assert (await anon.get(f"/api/v1/enterprises/{enterprise_id}", headers={"x-api-key": key})).status_code == 200

        wrong = await anon.post(
            "/api/v1/oauth/token",
            data={"grant_type": "client_credentials", "client_id": key_id, "client_secret": secret + "x"},
        )
        assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
        grant = await anon.post("/api/v1/oauth/token", data={"grant_type": "password", "username": "u"})
        assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
        missing = await anon.post("/api/v1/oauth/token", data={"client_id": key_id})
        assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")


async def test_suggestions_not_yet_made_are_pending_and_a_wrong_id_is_not_found(
    embedded_gateway: httpx.AsyncClient,
) -> None:
    enterprise_id = await _enterprise(embedded_gateway)
    owner = auth_headers("enterprise_user", enterprise_id=enterprise_id)
    r = await embedded_gateway.post("/api/v1/demands", json=demand_body(enterprise_id, submit=False), headers=owner)
    assert r.status_code == 201, r.text
    demand_id = r.json()["id"]  # a draft: matching has not ranked it

    pending = await embedded_gateway.get(f"/api/v1/demands/{demand_id}/suggestions", headers=owner)
    assert pending.status_code == 202, pending.text
    assert pending.headers["retry-after"] == "2"
    assert pending.json() == {
        "demand_id": demand_id,
        "status": "pending",
        "retry_after": 2,
        "carriers": [],
        "experts": [],
    }

    unknown = await embedded_gateway.get(f"/api/v1/demands/{uuid.uuid4()}/suggestions", headers=owner)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    for bad in ("0", "51", "x"):
        r = await embedded_gateway.get(f"/api/v1/demands/{demand_id}/suggestions?limit={bad}")
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["errors"][0]["field"] == "query.limit"


async def test_the_gateway_serves_the_generated_document(embedded_gateway: httpx.AsyncClient) -> None:
    import json

    from itp.openapi import DOCUMENT

    assert (await embedded_gateway.get("/openapi.json")).json() == json.loads(DOCUMENT.read_text(encoding="utf-8"))
