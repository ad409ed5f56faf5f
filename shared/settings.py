"""Per-service settings read from environment variables (prefix ``ITP_``).

A service refuses to start with the development secret unless ``ITP_ENV`` is
``development`` or ``test``: a forgotten secret in production is a start-up error,
not a silent weakness.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"

Mode = Literal["embedded", "kafka"]


class ServiceSettings(BaseSettings):
    """Settings shared by every service; each service may subclass to add its own."""

    model_config = SettingsConfigDict(env_prefix="ITP_", extra="ignore")

    env: Literal["development", "test", "staging", "production"] = "development"
    service_name: str = "itp"
    # "embedded": SQLite + in-process bus; "kafka": PostgreSQL + Apache Kafka.
    mode: Mode = "embedded"
    database_url: str = "sqlite+aiosqlite:///.data/itp.db"
    kafka_bootstrap: str = "127.0.0.1:59092"
    topic_partitions: int = Field(default=3, ge=1)
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
    # Enough for the concurrency one process sees, so connections are not opened per request.
    db_pool_size: int = Field(default=32, ge=1)
    # Serve each service's busiest routes before FastAPI's machinery (shared/hotpath.py).
    hot_routes: bool = True

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
