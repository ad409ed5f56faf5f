"""The contracts service's own settings (ITP_CONTRACTS_*)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DraftSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ITP_CONTRACTS_", extra="ignore")

    # A draft nobody has touched (edited, signed) for this many days is closed by
    # `itp close-idle-drafts` (a ContractTerminated naming the reason).
    draft_idle_days: float = Field(default=90.0, gt=0)
