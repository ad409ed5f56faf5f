"""The thin slice on the multi-process stack: each service its own process, with its own
relay and consumers, on the real PostgreSQL and the real Kafka broker. Tracing is on: every
process exports its spans over OTLP/HTTP to a collector this test runs (``OtlpCollector``)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from shared.events.demand import DemandSubmitted
from shared.testing import (
    free_port,
    kafka_bootstrap,
    wait_for,
)
from tests.e2e.conftest import running_stack
from tests.e2e.slice import demand_body, new_credit_code, run_thin_slice


class OtlpCollector:
    """The receiving end of OTLP/HTTP (protobuf) for traces: keeps every span it is sent."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []

    async def receive(self, request: web.Request) -> web.Response:
        export = ExportTraceServiceRequest.FromString(await request.read())
        for rs in export.resource_spans:
            service = next(a.value.string_value for a in rs.resource.attributes if a.key == "service.name")
            for ss in rs.scope_spans:
                for s in ss.spans:
                    self.spans.append(
                        {
                            "service": service,
                            "name": s.name,
                            "kind": s.kind,
                            "trace_id": s.trace_id.hex(),
                            "span_id": s.span_id.hex(),
                            "parent_id": s.parent_span_id.hex() or None,
                        }
                    )
        return web.Response(body=b"", content_type="application/x-protobuf")

    def trace(self, trace_id: str) -> list[dict[str, Any]]:
        return [s for s in self.spans if s["trace_id"] == trace_id]


@pytest.fixture(scope="module")
async def otlp() -> AsyncIterator[tuple[OtlpCollector, int]]:
    collector = OtlpCollector()
    app = web.Application()
    app.router.add_post("/v1/traces", collector.receive)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield collector, port
    finally:
        await runner.cleanup()


@pytest.fixture(scope="module")
async def stack(otlp: tuple[OtlpCollector, int]) -> AsyncIterator[dict[str, Any]]:
    """The multi-process stack, its spans sent to this module's collector."""
    async with running_stack(
        OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{otlp[1]}",
        OTEL_BSP_SCHEDULE_DELAY="100",  # ms: spans reach the collector soon after they end
    ) as running:
        yield {**running, "otlp": otlp[0]}


async def test_thin_slice_on_the_multi_process_stack(stack: dict[str, Any]) -> None:
    result = await run_thin_slice(stack["gateway"])
    stack["slice"] = result


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat (Debian package) is not installed")
async def test_an_independent_client_reads_demand_submitted(stack: dict[str, Any]) -> None:
    """Debian's kcat (librdkafka, no Python of ours) reads the event and its CloudEvents attributes."""
    if "slice" not in stack:
        stack["slice"] = await run_thin_slice(stack["gateway"])
    demand_id = stack["slice"]["demand"]["id"]

    async def found() -> dict[str, Any] | None:
        proc = await asyncio.create_subprocess_exec(
            "kcat",
            "-b",
            kafka_bootstrap(),
            "-C",
            "-t",
            stack["topics"]["demand"],
            "-o",
            "beginning",
            "-e",
            "-q",
            "-J",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        for line in out.decode().splitlines():
            record = json.loads(line)
            if record.get("key") == demand_id:
                event = json.loads(record["payload"])
                if event["type"] == DemandSubmitted.ce_type():
                    return {"record": record, "event": event}
        return None

    got = await wait_for(found, timeout_s=30, interval_s=0.5, what="kcat to read DemandSubmitted")
    event, record = got["event"], got["record"]
    assert event["specversion"] == "1.0"
    assert event["source"] == "/itp/demand"
    assert event["subject"] == demand_id
    assert event["datacontenttype"] == "application/json"
    assert event["time"].endswith("Z")
    assert event["data"]["demand_id"] == demand_id
    assert event["data"]["budget"] == "2500000.00"
    assert event["traceparent"].startswith("00-")
    headers = dict(zip(record["headers"][::2], record["headers"][1::2], strict=True))
    assert headers["content-type"].startswith("application/cloudevents+json")
    assert headers["traceparent"] == event["traceparent"]


async def test_one_trace_from_the_gateway_through_kafka_to_the_consumers(stack: dict[str, Any]) -> None:
    """A portal's POST is one trace: the gateway's span, the demand service's, the relay's
    publish, the matching consumer's (a child of the span that wrote the event, across Kafka) and
    the publish of what that consumer wrote, and the dashboard's projection; the answer names the
    trace in ``traceresponse``."""
    gateway: httpx.AsyncClient = stack["gateway"]
    r = await gateway.post(
        "/api/v1/enterprises",
        json={
            "name_zh": "苏州追踪科技有限公司",
            "credit_code": new_credit_code(),
            "province": "江苏",
            "city": "苏州",
            "industry_code": "C38",
            "size": "large",
            "contacts": [{"name": "李工"}],
        },
    )
    assert r.status_code == 201, r.text
    r = await gateway.post("/api/v1/demands", json=demand_body(r.json()["id"]))
    assert r.status_code == 201, r.text
    version, trace_id, answered_span, _ = r.headers["traceresponse"].split("-")
    assert version == "00" and len(trace_id) == 32

    collector: OtlpCollector = stack["otlp"]
    demand_topic, matching_topic = stack["topics"]["demand"], stack["topics"]["matching"]

    async def spans_named() -> dict[tuple[str, str], dict[str, Any]] | None:
        found = {(s["service"], s["name"]): s for s in collector.trace(trace_id)}
        wanted = [
            ("itp-gateway", "POST /api/v1/{path:path}"),
            ("itp-demand", "POST /api/v1/demands"),
            ("itp-demand", f"publish {demand_topic}"),
            ("itp-matching", f"process {demand_topic}"),
            ("itp-matching", f"publish {matching_topic}"),
            ("itp-dashboard", f"process {demand_topic}"),
        ]
        return found if all(w in found for w in wanted) else None

    try:
        spans = await wait_for(spans_named, timeout_s=45, interval_s=0.2, what="the trace's spans at the collector")
    except AssertionError:
        print(sorted((s["service"], s["name"]) for s in collector.trace(trace_id)))
        raise
    gw = spans[("itp-gateway", "POST /api/v1/{path:path}")]
    assert gw["span_id"] == answered_span, "traceresponse names the gateway's span"
    assert gw["parent_id"] is None, "the trace starts at the gateway"
    written = spans[("itp-demand", "POST /api/v1/demands")]
    assert written["parent_id"] == gw["span_id"]
    assert spans[("itp-demand", f"publish {demand_topic}")]["parent_id"] == written["span_id"]
    consumed = spans[("itp-matching", f"process {demand_topic}")]
    assert consumed["parent_id"] == written["span_id"], "across Kafka, a child of the span that wrote the event"
    assert spans[("itp-matching", f"publish {matching_topic}")]["parent_id"] == consumed["span_id"]
    projected = spans[("itp-dashboard", f"process {demand_topic}")]
    assert projected["parent_id"] == written["span_id"], "the dashboard's projection is in the same trace"
