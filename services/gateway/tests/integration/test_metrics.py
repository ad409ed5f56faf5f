"""The gateway counts its requests by route template, and its calls
to each service by outcome; /metrics answers on its own port and is not part of the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.gateway.routes import service_for
from services.gateway.tests.integration.stub import Stub, serving
from services.gateway.tests.integration.test_proxy import gateway, settings_for, user
from shared import metrics

pytestmark = pytest.mark.integration


def _value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def test_requests_and_downstream_calls_are_counted(tmp_path: Path) -> None:
    async with serving(Stub()) as stub:
        owner = service_for("enterprises/e-1")
        assert owner is not None
        dead = "talent" if owner != "talent" else "demand"
        settings = settings_for(stub, tmp_path, down=(dead,))
        route = "/api/v1/{path:path}"
        ok_before = _value("itp_gateway_downstream_requests_total", service=owner, outcome="ok")
        down_before = _value("itp_gateway_downstream_requests_total", service=dead, outcome="unavailable")
        served_before = _value("itp_http_requests_total", service="gateway", route=route, method="GET", status="200")
        async with gateway(settings) as (_, client):
            assert (await client.get("/api/v1/enterprises/e-1", headers=user())).status_code == 200
            dead_path = "/api/v1/carriers/c-1" if dead == "talent" else "/api/v1/demands?limit=1"
            assert (await client.get(dead_path, headers=user())).status_code == 503
            scraped = await client.get("/metrics")
            docs = await client.get("/api/v1/metrics", headers=user())

    assert _value("itp_gateway_downstream_requests_total", service=owner, outcome="ok") == ok_before + 1
    assert _value("itp_gateway_downstream_requests_total", service=dead, outcome="unavailable") == down_before + 1
    assert (
        _value("itp_http_requests_total", service="gateway", route=route, method="GET", status="200")
        == served_before + 1
    )
    assert scraped.status_code == 200 and "itp_gateway_downstream_requests_total" in scraped.text
    assert docs.status_code == 404  # the public API does not lead to anyone's metrics
