"""API keys under the production configuration: RS256, two gateway replicas over one store.

The services verify RS256 tokens against a JWKS; the gateway signs the tokens it mints for API
keys with its private key (kid in that JWKS). Keys live in the gateway's database (ADR 0005):
created, listed and revoked with ``itp apikey``, refused by every replica within seconds of a
revocation, and still there after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from pydantic import ValidationError

from itp.cli import main
from itp.embedded import serve
from itp.services import definition
from services.gateway.main import create_gateway_app
from services.gateway.settings import GatewaySettings
from shared.bus.memory import InMemoryBus
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import free_port, token_for, wait_for

FreshDb = Callable[[str], Awaitable[str]]
ENTERPRISE = "97b2be68-7a8e-4a0e-a59f-2162048fd530"
KID = "gateway-2026"


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@dataclass
class Keys:
    private: Path
    jwks: Path
    other_private: Path


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    """A fresh RSA key (its public half in a JWKS under KID) and an unrelated one."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}))
    (tmp_path / "gateway.pem").write_text(private_pem(key))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "other.pem").write_text(private_pem(other))
    return Keys(tmp_path / "gateway.pem", tmp_path / "jwks.json", tmp_path / "other.pem")


@contextlib.asynccontextmanager
async def demand_service(url: str, keys: Keys) -> AsyncIterator[str]:
    """The demand service on its own port, verifying RS256 tokens with the JWKS."""
    settings = ServiceSettings(env="test", service_name="demand", database_url=url, jwt_public_key_file=str(keys.jwks))
    app = create_service_app(definition("demand"), settings, InMemoryBus(), background=False)
    port = free_port()
    started, stop = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve({"demand": (app, port)}, "127.0.0.1", started, stop=stop))
    await asyncio.wait_for(started.wait(), 20)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


def gateway_settings(store_url: str, demand_url: str, keys: Keys, **overrides: Any) -> GatewaySettings:
    dead = f"http://127.0.0.1:{free_port()}"
    values: dict[str, Any] = {
        "service_name": "gateway",
        "env": "production",
        "database_url": store_url,
        "jwt_public_key_file": str(keys.jwks),
        "jwt_private_key_file": str(keys.private),
        "jwt_key_id": KID,
        "demand_url": demand_url,
        **{f"{n}_url": dead for n in ("talent", "matching", "contracts", "dashboard")},
        **overrides,
    }
    return GatewaySettings(**values)


@contextlib.asynccontextmanager
async def replica(settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_gateway_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw", timeout=10) as client,
    ):
        yield client


async def itp_apikey(store_url: str, *args: str) -> Any:
    """``itp apikey ... --json`` against the store, as an operator runs it (in a thread of this process)."""

    def run() -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(["apikey", *args, "--json"])
        return out.getvalue()

    os.environ["ITP_GATEWAY_DATABASE_URL"] = store_url
    try:
        return json.loads(await asyncio.to_thread(run))
    finally:
        del os.environ["ITP_GATEWAY_DATABASE_URL"]


async def test_an_api_key_works_under_rs256_on_every_replica_and_its_revocation_reaches_them(
    fresh_db: FreshDb, keys: Keys
) -> None:
    store_url = await fresh_db("gateway")
    async with demand_service(await fresh_db("demand"), keys) as demand_url:
        settings = gateway_settings(store_url, demand_url, keys, api_key_cache_s=1.0)
        created = await itp_apikey(
            store_url, "create", "--role", "enterprise_user", "--enterprise-id", ENTERPRISE, "--subject", "portal"
        )
        spare = await itp_apikey(store_url, "create", "--role", "dashboard_viewer", "--subject", "wall")
        key, key_id = created["key"], created["key_id"]
        async with replica(settings) as a, replica(settings) as b:
            for gw in (a, b):
                r = await gw.get("/api/v1/demands", headers={"X-API-Key": key})
                assert r.status_code == 200, r.text  # the service accepted the token the gateway minted
                # A development (HS256) token is no credential here.
                assert (
                    await gw.get("/api/v1/demands", headers={"Authorization": f"Bearer {token_for('admin')}"})
                ).status_code == 401
            listed = await itp_apikey(store_url, "list")
            assert {k["key_id"]: k["revoked"] for k in listed} == {key_id: False, spare["key_id"]: False}
            assert all("key_hash" not in k for k in listed)
            assert await itp_apikey(store_url, "revoke", key_id) == {"key_id": key_id, "revoked": True}

            async def refused_by(gw: httpx.AsyncClient) -> bool:
                r = await gw.get("/api/v1/demands", headers={"X-API-Key": key})
                return (r.status_code, r.json().get("type")) == (401, "/problems/revoked-api-key")

            # Revoked on a CLI, refused by both replicas within seconds (each had it cached as valid).
            await wait_for(lambda: refused_by(b), timeout_s=5, interval_s=0.1, what="replica B refusing the key")
            await wait_for(lambda: refused_by(a), timeout_s=5, interval_s=0.1, what="replica A refusing the key")
        # A restarted gateway has the keys still (and the revocation).
        async with replica(settings) as restarted:
            r = await restarted.get("/api/v1/dashboard/kpis", headers={"X-API-Key": spare["key"]})
            assert r.status_code == 503  # the key was accepted; the dashboard is not running here
            assert await refused_by(restarted)
            r = await restarted.get("/api/v1/demands", headers={"X-API-Key": spare["key"]})
            assert r.status_code == 200


async def test_the_gateway_refuses_to_start_when_the_services_would_refuse_its_tokens(
    keys: Keys, tmp_path: Path
) -> None:
    store_url = f"sqlite+aiosqlite:///{tmp_path}/gateway.db"  # never reached: the start-up fails first
    with pytest.raises(ValidationError, match="ITP_JWT_PRIVATE_KEY_FILE"):
        gateway_settings(store_url, "http://127.0.0.1:1", keys, jwt_private_key_file=None)
    for wrong in ({"jwt_private_key_file": str(keys.other_private)}, {"jwt_key_id": "not-in-the-jwks"}):
        settings = gateway_settings(store_url, "http://127.0.0.1:1", keys, **wrong)
        with pytest.raises(RuntimeError, match="would be refused by the services"):
            async with replica(settings):
                pass
    # Without API keys, no signing key is needed.
    settings = gateway_settings(
        store_url, "http://127.0.0.1:1", keys, jwt_private_key_file=None, api_keys_enabled=False
    )
    async with replica(settings) as gw:
        r = await gw.get("/api/v1/demands", headers={"X-API-Key": "itpk_a_b"})
        assert (r.status_code, r.json()["type"]) == (401, "/problems/invalid-api-key")
