"""Production settings: secrets read from files, placeholders refused, Kafka security and topics."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from pydantic import ValidationError

from shared.bus.kafka import TopicSpec, connection_options
from shared.settings import ServiceSettings

STRONG = "s" * 40


def test_secrets_are_read_from_files_named_like_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ITP_DATABASE_URL").write_text("postgresql+asyncpg://itp_demand:pw@db:5432/itp_demand")
    (tmp_path / "ITP_JWT_SECRET").write_text(STRONG)
    monkeypatch.setenv("ITP_SECRETS_DIR", str(tmp_path))
    monkeypatch.delenv("ITP_DATABASE_URL", raising=False)
    monkeypatch.delenv("ITP_JWT_SECRET", raising=False)
    s = ServiceSettings(env="production")
    assert s.database_url == "postgresql+asyncpg://itp_demand:pw@db:5432/itp_demand"
    assert s.jwt_secret == STRONG


def test_an_environment_value_wins_over_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ITP_DATABASE_URL").write_text("postgresql+asyncpg://from-file/db")
    monkeypatch.setenv("ITP_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("ITP_DATABASE_URL", "postgresql+asyncpg://from-env/db")
    assert ServiceSettings(env="test").database_url == "postgresql+asyncpg://from-env/db"


@pytest.mark.parametrize("env", ["production", "staging"])
def test_placeholder_passwords_are_refused_outside_development(env: Literal["production", "staging"]) -> None:
    with pytest.raises(ValidationError, match="CHANGE_ME"):
        ServiceSettings(env=env, jwt_secret=STRONG, database_url="postgresql+asyncpg://itp:CHANGE_ME@db/itp_demand")


def test_placeholders_are_accepted_in_development() -> None:
    url = "postgresql+asyncpg://itp:CHANGE_ME@db/itp_demand"
    assert ServiceSettings(env="development", database_url=url).database_url == url


def test_sasl_needs_mechanism_and_credentials() -> None:
    with pytest.raises(ValidationError, match="ITP_KAFKA_SASL_MECHANISM"):
        ServiceSettings(env="test", kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="itp")


def test_connection_options_carry_sasl_scram() -> None:
    s = ServiceSettings(
        env="test",
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="itp",
        kafka_sasl_password="secret",
    )
    assert connection_options(s) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "itp",
        "sasl_plain_password": "secret",
    }
    assert connection_options(ServiceSettings(env="test")) == {"security_protocol": "PLAINTEXT"}


def test_topic_spec_comes_from_settings_and_min_isr_cannot_exceed_replication() -> None:
    s = ServiceSettings(env="test", topic_partitions=6, topic_replication_factor=3, topic_min_insync_replicas=2)
    assert TopicSpec.of(s) == TopicSpec(partitions=6, replication_factor=3, min_insync_replicas=2, retention_ms=-1)
    with pytest.raises(ValidationError, match="MIN_INSYNC"):
        ServiceSettings(env="test", topic_replication_factor=1, topic_min_insync_replicas=2)


def test_a_url_can_turn_the_prepared_statement_caches_off_for_pgbouncer() -> None:
    from shared.db import create_engine, statement_cache_disabled

    url = "postgresql+asyncpg://itp:pw@pgbouncer:6432/itp_demand?prepared_statement_cache_size=0"
    assert statement_cache_disabled(url)
    assert not statement_cache_disabled("postgresql+asyncpg://itp:pw@db:5432/itp_demand")
    engine = create_engine(url)  # no connection is opened here
    _, options = engine.dialect.create_connect_args(engine.url)
    assert options["prepared_statement_cache_size"] == 0
