"""Which service owns each /api/v1 path, and the gateway's settings."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.gateway.routes import service_for
from services.gateway.settings import GatewaySettings

DEMAND_ID = "3d9a7c51-0e2b-4f8a-b6c4-1a2b3c4d5e6f"
ID = "0b7e5d1c-2a3f-4e6d-9c8b-7a6f5e4d3c2b"

# Every resource path the services declare (their api.py), and the prefixes reserved for them.
OWNERS: list[tuple[str, str]] = [
    ("enterprises", "demand"),
    (f"enterprises/{ID}", "demand"),
    (f"enterprises/{ID}/centers", "demand"),
    ("demands", "demand"),
    (f"demands/{DEMAND_ID}", "demand"),
    (f"demands/{DEMAND_ID}/submit", "demand"),
    (f"demands/{DEMAND_ID}/publish", "demand"),
    (f"demands/{DEMAND_ID}/reject", "demand"),
    (f"demands/{DEMAND_ID}/withdraw", "demand"),
    (f"demands/{DEMAND_ID}/start-negotiation", "demand"),
    (f"demands/{DEMAND_ID}/suggestions", "matching"),
    ("carriers", "talent"),
    (f"carriers/{ID}", "talent"),
    ("people", "talent"),
    (f"people/{ID}", "talent"),
    ("trainees", "talent"),
    (f"trainees/{ID}", "talent"),
    ("assignments", "talent"),
    (f"assignments/{ID}", "talent"),
    ("matches", "matching"),
    (f"matches/{ID}/accept", "matching"),
    ("match-assignments", "matching"),
    (f"match-assignments/{ID}", "matching"),
    ("vocabulary/infer", "matching"),
    ("contracts", "contracts"),
    (f"contracts/{ID}", "contracts"),
    (f"contracts/{ID}/milestones", "contracts"),
]


@pytest.mark.parametrize(("path", "service"), OWNERS, ids=[p for p, _ in OWNERS])
def test_service_for_every_resource_path(path: str, service: str) -> None:
    assert service_for(path) == service


@pytest.mark.parametrize(
    "path",
    [
        "",
        "vocabulary/fields",  # answered by the gateway itself
        "healthz",
        "demandsx",
        "enterprise",
        "contractsfoo/1",
        "Demands",
        "/demands",
        "api/v1/demands",
        "suggestions",
    ],
)
def test_paths_no_service_owns(path: str) -> None:
    assert service_for(path) is None


def test_suggestions_only_for_a_single_demand() -> None:
    assert service_for(f"demands/{DEMAND_ID}/suggestions") == "matching"
    assert service_for(f"demands/{DEMAND_ID}/suggestions/extra") == "demand"
    assert service_for("demands//suggestions") == "demand"


@settings(max_examples=100)
@given(st.text(max_size=40))
def test_service_for_is_total(path: str) -> None:
    assert service_for(path) in {None, "demand", "talent", "matching", "contracts"}


# --- settings -------------------------------------------------------------------------------------


@pytest.fixture
def _no_itp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("ITP_"):
            monkeypatch.delenv(name)


@pytest.mark.usefixtures("_no_itp_environment")
def test_gateway_settings_know_every_service() -> None:
    s = GatewaySettings()
    urls = s.service_urls()
    assert set(urls) == {"demand", "talent", "matching", "contracts", "dashboard"}
    assert all(u.startswith("http") for u in urls.values())
    assert s.compose_timeout_s <= s.downstream_timeout_s


@pytest.mark.usefixtures("_no_itp_environment")
def test_gateway_settings_inherit_the_secret_rule() -> None:
    with pytest.raises(ValidationError, match="ITP_JWT_SECRET"):
        GatewaySettings(env="production")
    assert GatewaySettings(env="production", jwt_secret="a-real-secret-from-the-vault-123456").env == "production"


@pytest.mark.usefixtures("_no_itp_environment")
@pytest.mark.parametrize("bad", [{"downstream_timeout_s": 0}, {"compose_timeout_s": -1}])
def test_gateway_timeouts_must_be_positive(bad: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        GatewaySettings(**bad)  # type: ignore[arg-type]
