"""Settings of the dashboard's live stream (``ITP_DASHBOARD_*``), on top of the shared ones."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.dashboard.domain import DEFAULT_K


class StreamSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ITP_DASHBOARD_", extra="ignore")

    # A comment line this often keeps proxies from closing an idle stream and detects gone clients.
    heartbeat_s: float = Field(default=15.0, gt=0)
    # Events waiting for one subscriber; beyond that its events are dropped (and counted).
    subscriber_queue: int = Field(default=256, ge=1)
    max_subscribers: int = Field(default=1000, ge=1)


class KpiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ITP_DASHBOARD_", extra="ignore")

    # k of the KPIs' k-anonymity: a figure a dashboard viewer sees adds up no confidential budget
    # or at least this many (1: no suppression). See ``domain.protect_intended``.
    kpi_k: int = Field(default=DEFAULT_K, ge=1)
