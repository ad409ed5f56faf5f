"""Gateway settings: where the services are and how long to wait for them."""

from pydantic import Field

from shared.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    demand_url: str = "http://127.0.0.1:8001"
    talent_url: str = "http://127.0.0.1:8002"
    matching_url: str = "http://127.0.0.1:8003"
    contracts_url: str = "http://127.0.0.1:8004"
    downstream_timeout_s: float = Field(default=5.0, gt=0)
    compose_timeout_s: float = Field(default=2.0, gt=0)
    dashboard_url: str = "http://127.0.0.1:8005"
    # Hashed API keys for portal back ends (managed with `itp apikey`); re-read when it changes.
    api_keys_file: str | None = ".data/api-keys.json"
    rate_limit_per_minute: int = Field(default=6000, ge=1)
    rate_limit_burst: int = Field(default=200, ge=1)

    def service_urls(self) -> dict[str, str]:
        return {
            "demand": self.demand_url,
            "talent": self.talent_url,
            "matching": self.matching_url,
            "contracts": self.contracts_url,
            "dashboard": self.dashboard_url,
        }
