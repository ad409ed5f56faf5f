"""Request metrics by route template, the access log line, /metrics, and the metric names."""

from __future__ import annotations

import logging
import re
import uuid

import httpx
import pytest
from fastapi import FastAPI
from starlette.responses import JSONResponse

from shared import metrics
from shared.http import RequestContextMiddleware
from shared.telemetry import RequestTelemetry, metrics_router


def _app(service: str) -> FastAPI:
    app = FastAPI()

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    @app.post("/items/{item_id}")
    async def item(item_id: str) -> JSONResponse:
        return JSONResponse({"id": item_id}, status_code=201)

    app.add_middleware(RequestTelemetry, service=service)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(metrics_router())
    return app


def _count(service: str, route: str, method: str, status: str) -> float:
    value = metrics.REGISTRY.get_sample_value(
        "itp_http_requests_total", {"service": service, "route": route, "method": method, "status": status}
    )
    return value or 0.0


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def test_requests_are_counted_and_timed_by_route_template_never_the_raw_path() -> None:
    service = f"t{uuid.uuid4().hex[:8]}"
    async with _client(_app(service)) as client:
        for i in range(3):
            assert (await client.get(f"/things/{i}")).status_code == 200
        assert (await client.post("/items/42")).status_code == 201
        assert (await client.get("/no/such/path/123")).status_code == 404
        assert (await client.get("/boom")).status_code == 500
        text = (await client.get("/metrics")).text

    assert _count(service, "/things/{thing_id}", "GET", "200") == 3
    assert _count(service, "/items/{item_id}", "POST", "201") == 1
    assert _count(service, metrics.UNMATCHED_ROUTE, "GET", "404") == 1
    assert _count(service, "/boom", "GET", "500") == 1
    histogram_count = metrics.REGISTRY.get_sample_value(
        "itp_http_request_duration_seconds_count", {"service": service, "route": "/things/{thing_id}", "method": "GET"}
    )
    assert histogram_count == 3
    mine = [line for line in text.splitlines() if f'service="{service}"' in line]
    assert mine, "the exposition carries this service's series"
    assert not any("/things/1" in line or "/no/such" in line for line in mine), "a raw path became a label"


async def test_metrics_route_is_not_in_the_openapi_document() -> None:
    async with _client(_app("openapi-check")) as client:
        doc = (await client.get("/openapi.json")).json()
        response = await client.get("/metrics")
    assert "/metrics" not in doc["paths"]
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE itp_http_requests_total counter" in response.text


async def test_one_access_log_line_per_request_names_its_request_id_and_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    with caplog.at_level(logging.INFO, logger="itp.access"):
        async with _client(_app("access-log")) as client:
            response = await client.get(
                "/things/7", headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01", "x-request-id": "req-1"}
            )
    lines = [r for r in caplog.records if r.name == "itp.access"]
    assert len(lines) == 1
    record = lines[0]
    assert record.request_id == response.headers["x-request-id"] == "req-1"  # type: ignore[attr-defined]
    assert record.traceparent.split("-")[1] == trace_id  # type: ignore[attr-defined]
    assert record.http == {"method": "GET", "route": "/things/{thing_id}", "path": "/things/7", "status": 200}  # type: ignore[attr-defined]


def test_metric_names_follow_the_prometheus_conventions() -> None:
    families = list(metrics.REGISTRY.collect())
    assert len(families) >= 15
    for f in families:
        assert re.fullmatch(r"itp_[a-z_]+", f.name), f.name
        if f.type == "histogram":
            assert f.name.endswith("_seconds"), f"{f.name}: a histogram of durations is in seconds"
        if f.type == "counter":
            assert not f.name.endswith("_total"), "prometheus-client adds _total itself"
    names = metrics.metric_names()
    for expected in (
        "itp_http_requests_total",
        "itp_http_request_duration_seconds_bucket",
        "itp_outbox_pending_events",
        "itp_outbox_oldest_pending_age_seconds",
        "itp_relay_publish_duration_seconds_bucket",
        "itp_relay_failures_total",
        "itp_consumer_lag_messages",
        "itp_consumer_events_total",
        "itp_consumer_retries_total",
        "itp_dlq_pending_messages",
        "itp_matching_suggestion_duration_seconds_bucket",
        "itp_gateway_downstream_requests_total",
        "itp_dashboard_stream_subscribers",
    ):
        assert expected in names


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(200, "ok"), (304, "ok"), (404, "client_error"), (503, "server_error"), (None, "unavailable")],
)
def test_downstream_outcomes_are_a_fixed_set(status: int | None, outcome: str) -> None:
    assert metrics.downstream_outcome(status) == outcome


async def test_timed_labels_by_the_keyword_and_times_failures_too() -> None:
    @metrics.timed(metrics.MATCHING_SUGGESTION_DURATION, "trigger", "requested")
    async def suggest(*, trigger: str = "requested", fail: bool = False) -> int:
        if fail:
            raise ValueError("no")
        return 1

    def count(trigger: str) -> float:
        labels = {"trigger": trigger}
        return metrics.REGISTRY.get_sample_value("itp_matching_suggestion_duration_seconds_count", labels) or 0.0

    before_default, before_unit = count("requested"), count("unit_test")
    assert await suggest() == 1
    with pytest.raises(ValueError):
        await suggest(trigger="unit_test", fail=True)
    assert count("requested") == before_default + 1
    assert count("unit_test") == before_unit + 1


async def test_scrape_refresh_runs_at_most_once_per_interval() -> None:
    calls = 0

    async def refresher() -> None:
        nonlocal calls
        calls += 1

    refresh = metrics.ScrapeRefresh(min_interval_s=60)
    refresh.add(refresher)
    for _ in range(5):
        await refresh.refresh()
    assert calls == 1


async def test_consumer_lag_gauges_come_from_the_subscriber() -> None:
    class Subscriber:
        async def lag(self) -> dict[tuple[str, int], int]:
            return {("t.events", 0): 7, ("t.events", 1): 0}

    group = f"g-{uuid.uuid4().hex[:6]}"
    await metrics.observe_lag(group, Subscriber())
    get = metrics.REGISTRY.get_sample_value
    assert get("itp_consumer_lag_messages", {"consumer": group, "topic": "t.events", "partition": "0"}) == 7
    assert get("itp_consumer_lag_messages", {"consumer": group, "topic": "t.events", "partition": "1"}) == 0
