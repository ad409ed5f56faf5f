"""Settings of the dashboard's live stream (``ITP_DASHBOARD_*``), on top of the shared ones."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StreamSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ITP_DASHBOARD_", extra="ignore")

    # A comment line this often keeps proxies from closing an idle stream and detects gone clients.
    heartbeat_s: float = Field(default=15.0, gt=0)
    # Events waiting for one subscriber; beyond that its events are dropped (and counted).
    subscriber_queue: int = Field(default=256, ge=1)
    max_subscribers: int = Field(default=1000, ge=1)
