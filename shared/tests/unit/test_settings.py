"""Settings refuse the development secret outside development and test."""

from __future__ import annotations

import os
from typing import Literal

import pytest
from pydantic import ValidationError

from shared.settings import DEVELOPMENT_SECRET, ServiceSettings

Env = Literal["development", "test", "staging", "production"]

REAL_SECRET = "k8s-mounted-3f9a1c7e5b2d4f6a8c0e2b4d6f8a0c2e"


@pytest.fixture(autouse=True)
def _no_itp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings read ITP_* variables; the tests must not depend on the shell they run in.
    for name in list(os.environ):
        if name.upper().startswith("ITP_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("env", ["production", "staging"])
def test_default_secret_is_refused_outside_development(env: Env) -> None:
    with pytest.raises(ValidationError, match="ITP_JWT_SECRET"):
        ServiceSettings(env=env)
    with pytest.raises(ValidationError, match="ITP_JWT_SECRET"):
        ServiceSettings(env=env, jwt_secret=DEVELOPMENT_SECRET)


@pytest.mark.parametrize("env", ["production", "staging"])
def test_real_secret_works_outside_development(env: Env) -> None:
    s = ServiceSettings(env=env, jwt_secret=REAL_SECRET)
    assert s.env == env and s.jwt_secret == REAL_SECRET


def test_rs256_public_key_makes_the_shared_secret_unnecessary() -> None:
    # Verification uses the PEM key; the file is only named here, never opened.
    s = ServiceSettings(env="production", jwt_public_key_file="/run/secrets/itp-jwt.pub")
    assert s.jwt_secret == DEVELOPMENT_SECRET and s.jwt_public_key_file
    with pytest.raises(ValidationError):
        ServiceSettings(env="production", jwt_public_key_file="")


@pytest.mark.parametrize("env", ["development", "test"])
def test_default_secret_is_fine_in_development_and_test(env: Env) -> None:
    assert ServiceSettings(env=env).jwt_secret == DEVELOPMENT_SECRET


def test_defaults() -> None:
    s = ServiceSettings()
    assert s.env == "development" and s.mode == "embedded" and s.is_sqlite
    assert not ServiceSettings(database_url="postgresql+asyncpg://itp@db/itp").is_sqlite


def test_values_come_from_itp_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITP_ENV", "production")
    with pytest.raises(ValidationError):
        ServiceSettings()
    monkeypatch.setenv("ITP_JWT_SECRET", REAL_SECRET)
    monkeypatch.setenv("ITP_RELAY_BATCH_SIZE", "50")
    s = ServiceSettings()
    assert s.env == "production" and s.relay_batch_size == 50


@pytest.mark.parametrize(
    "bad",
    [{"env": "prod"}, {"mode": "cloud"}, {"topic_partitions": 0}, {"relay_poll_interval_s": 0}, {"db_pool_size": 0}],
)
def test_invalid_values_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("weak", ["", "   ", "secret"])
def test_empty_or_trivial_secret_is_refused_in_production(weak: str) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings(env="production", jwt_secret=weak)
