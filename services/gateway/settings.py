"""Gateway settings: where the services are, how long to wait for them, and its credentials."""

from __future__ import annotations

from pydantic import Field, model_validator

from shared.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    demand_url: str = "http://127.0.0.1:8001"
    talent_url: str = "http://127.0.0.1:8002"
    matching_url: str = "http://127.0.0.1:8003"
    contracts_url: str = "http://127.0.0.1:8004"
    downstream_timeout_s: float = Field(default=5.0, gt=0)
    compose_timeout_s: float = Field(default=2.0, gt=0)
    dashboard_url: str = "http://127.0.0.1:8005"
    # API keys for portal back ends (`itp apikey`), stored hashed in the gateway's database
    # (ITP_GATEWAY_DATABASE_URL, else ITP_DATABASE_URL with {service} = gateway; ADR 0005).
    api_keys_enabled: bool = True
    # How long a replica may answer from what it read of a key: a revocation reaches every
    # replica within this time.
    api_key_cache_s: float = Field(default=2.0, gt=0, le=30)
    # The key the gateway signs the tokens it mints for API keys with, when the services verify
    # RS256 (ITP_JWT_PUBLIC_KEY_FILE): a PEM private key, and its "kid" in the services' JWKS.
    jwt_private_key_file: str | None = None
    jwt_key_id: str | None = None
    rate_limit_per_minute: int = Field(default=6000, ge=1)
    rate_limit_burst: int = Field(default=200, ge=1)

    @model_validator(mode="after")
    def _refuse_unsignable_api_keys(self) -> GatewaySettings:
        if self.api_keys_enabled and self.jwt_public_key_file and not self.jwt_private_key_file:
            raise ValueError(
                "the services verify RS256 tokens (ITP_JWT_PUBLIC_KEY_FILE): set ITP_JWT_PRIVATE_KEY_FILE "
                "(and ITP_JWT_KEY_ID if they verify with a JWKS) so the gateway can sign the tokens it mints "
                "for API keys, or set ITP_API_KEYS_ENABLED=false"
            )
        return self

    def service_urls(self) -> dict[str, str]:
        return {
            "demand": self.demand_url,
            "talent": self.talent_url,
            "matching": self.matching_url,
            "contracts": self.contracts_url,
            "dashboard": self.dashboard_url,
        }
