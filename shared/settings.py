"""Per-service settings read from environment variables (prefix ``ITP_``) and, for secrets, from
files in ``ITP_SECRETS_DIR`` named like the variables (``ITP_DATABASE_URL``, ``ITP_JWT_SECRET``,
``ITP_KAFKA_SASL_PASSWORD``...): Kubernetes mounts Secrets there, so no secret is an environment value.

A service refuses to start with the development secret, or with a placeholder password
(``CHANGE_ME``), unless ``ITP_ENV`` is ``development`` or ``test``: a forgotten secret in
production is a start-up error, not a silent weakness.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SecretsSettingsSource, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"

Mode = Literal["embedded", "kafka"]
KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
PLACEHOLDER = "CHANGE_ME"


class ServiceSettings(BaseSettings):
    """Settings shared by every service; each service may subclass to add its own."""

    model_config = SettingsConfigDict(env_prefix="ITP_", extra="ignore")

    env: Literal["development", "test", "staging", "production"] = "development"
    service_name: str = "itp"
    # "embedded": SQLite + in-process bus; "kafka": PostgreSQL + Apache Kafka.
    mode: Mode = "embedded"
    database_url: str = "sqlite+aiosqlite:///.data/itp.db"
    kafka_bootstrap: str = "127.0.0.1:59092"
    # Topics (itp topics create): partitions bound how many consumer replicas share the work; the
    # production overlay replicates 3 times with min.insync.replicas 2; -1 keeps events for good
    # (projections and read models are rebuilt by replaying them).
    topic_partitions: int = Field(default=3, ge=1)
    topic_replication_factor: int = Field(default=1, ge=1)
    topic_min_insync_replicas: int = Field(default=1, ge=1)
    topic_retention_ms: int = Field(default=-1, ge=-1)
    # Kafka TLS and SASL (SCRAM for managed or Strimzi clusters); PostgreSQL TLS is the
    # database URL's ``ssl`` parameter (``?ssl=verify-full``, root certificate in PGSSLROOTCERT).
    kafka_security_protocol: KafkaSecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: SaslMechanism | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = None
    jwt_secret: str = DEVELOPMENT_SECRET
    jwt_audience: str = "itp"
    # Production: verify RS256 tokens with this PEM public key instead of the shared secret.
    jwt_public_key_file: str | None = None
    # The relay is woken by every commit that writes outbox rows; this poll is only its fallback.
    relay_poll_interval_s: float = Field(default=5.0, gt=0)
    relay_batch_size: int = Field(default=200, ge=1)
    consumer_max_retries: int = Field(default=3, ge=0)
    consumer_retry_backoff_s: float = Field(default=0.05, ge=0)
    # A failure to retry (database or broker away) pauses its partition for a back-off that
    # doubles from 0.1 s up to this cap: recovery within this long of the database's return.
    consumer_pause_max_s: float = Field(default=5.0, gt=0)
    # Events of one partition applied in one transaction where the service's handlers allow it,
    # and partitions applied at once by one consumer (each holds a database connection).
    consumer_batch_size: int = Field(default=100, ge=1)
    consumer_concurrency: int = Field(default=4, ge=1)
    # Enough for the concurrency one process sees, so connections are not opened per request.
    db_pool_size: int = Field(default=32, ge=1)
    # Request bodies above this are refused with 413 before they are read (shared/limits.py);
    # the routes that take files (bulk imports) have their own, larger limit.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    max_bulk_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1)
    # Failed authentications per client address: a burst, then this many a minute (429 beyond).
    auth_failure_burst: int = Field(default=20, ge=1)
    auth_failures_per_minute: float = Field(default=10, gt=0)
    # Logs (shared/logs.py): JSON lines, or plain text; unset: text in development, JSON elsewhere.
    log_format: Literal["json", "text"] | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Read when the settings are built (not at import), so ITP_SECRETS_DIR may be set late.
        secrets_dir = os.environ.get("ITP_SECRETS_DIR")
        files = SecretsSettingsSource(settings_cls, secrets_dir=secrets_dir) if secrets_dir else file_secret_settings
        return init_settings, env_settings, dotenv_settings, files

    @model_validator(mode="after")
    def _check_kafka_security(self) -> ServiceSettings:
        sasl = self.kafka_security_protocol.startswith("SASL")
        if sasl and not (self.kafka_sasl_mechanism and self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(
                f"ITP_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs ITP_KAFKA_SASL_MECHANISM, "
                "ITP_KAFKA_SASL_USERNAME and ITP_KAFKA_SASL_PASSWORD"
            )
        if self.topic_min_insync_replicas > self.topic_replication_factor:
            raise ValueError("ITP_TOPIC_MIN_INSYNC_REPLICAS cannot exceed ITP_TOPIC_REPLICATION_FACTOR")
        return self

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> ServiceSettings:
        if self.env in ("development", "test"):
            return self
        for name in ("database_url", "kafka_sasl_password", "jwt_secret"):
            if PLACEHOLDER.lower() in (getattr(self, name) or "").lower():
                raise ValueError(f"ITP_{name.upper()} still holds the {PLACEHOLDER} placeholder (ITP_ENV={self.env})")
        return self

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> ServiceSettings:
        if self.env not in ("development", "test") and not self.jwt_public_key_file:
            if self.jwt_secret == DEVELOPMENT_SECRET:
                raise ValueError(
                    f"ITP_JWT_SECRET must be set to a real secret when ITP_ENV={self.env}; "
                    "the development default is refused outside development and test"
                )
            if len(self.jwt_secret.strip()) < 32:
                # RFC 7518 3.2: an HS256 key needs at least 256 bits.
                raise ValueError("ITP_JWT_SECRET must be at least 32 characters outside development and test")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
