"""OpenTelemetry spans, recorded with the SDK's in-memory exporter: the request's server span
continues the caller's trace and is answered in ``traceresponse`` and logged; a consumer's span
is a child of the span that wrote the event, and what it writes names it. Off, no span, same ids."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator

import httpx
import orjson
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shared import tracing
from shared.events.envelope import Envelope
from shared.http import RequestContextMiddleware
from shared.logs import ContextFilter, JsonFormatter
from shared.problems import install_problem_handlers
from shared.telemetry import RequestTelemetry
from shared.tests.integration import kernel

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


def ids(span: ReadableSpan) -> tuple[str, str]:
    """The span's trace id and span id, in hex."""
    context = span.get_span_context()
    assert context is not None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.use_tracer_provider(provider)
    try:
        yield exporter
    finally:
        tracing.use_tracer_provider(None)


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter("unit"))
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/things/{thing_id}")
    async def thing(thing_id: int) -> dict[str, int]:
        logging.getLogger("unit.handler").info("serving %d", thing_id)
        return {"id": thing_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("broken")

    install_problem_handlers(app)
    app.add_middleware(RequestTelemetry, service="unit")
    app.add_middleware(RequestContextMiddleware)
    return app


async def _get(path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get(path, headers=headers)


async def test_a_request_is_a_server_span_in_the_callers_trace_answered_and_logged(
    exporter: InMemorySpanExporter, json_lines: io.StringIO
) -> None:
    r = await _get("/things/7", traceparent=f"00-{TRACE_ID}-{CALLER_SPAN}-01")
    assert r.status_code == 200

    (span,) = exporter.get_finished_spans()
    assert span.name == "GET /things/{thing_id}"
    assert span.kind is SpanKind.SERVER
    assert span.attributes is not None and span.attributes["http.response.status_code"] == 200
    trace_id, span_id = ids(span)
    assert trace_id == TRACE_ID
    assert span.parent is not None and f"{span.parent.span_id:016x}" == CALLER_SPAN
    assert r.headers["traceresponse"] == f"00-{TRACE_ID}-{span_id}-01"

    records = [orjson.loads(line) for line in json_lines.getvalue().splitlines()]
    served = next(x for x in records if x["logger"] == "unit.handler")
    access = next(x for x in records if x["logger"] == "itp.access")
    for record in (served, access):
        assert (record["trace_id"], record["span_id"]) == (TRACE_ID, span_id)
        assert record["request_id"] == r.headers["x-request-id"]


async def test_a_request_without_a_caller_trace_starts_one_and_a_5xx_marks_its_span(
    exporter: InMemorySpanExporter,
) -> None:
    r = await _get("/boom")
    assert r.status_code == 500
    (span,) = exporter.get_finished_spans()
    assert span.parent is None
    assert span.name == "GET /boom"
    assert span.status.status_code is StatusCode.ERROR
    assert r.headers["traceresponse"].split("-")[1] == ids(span)[0]


async def test_off_no_span_is_recorded_and_the_answer_still_names_the_trace() -> None:
    assert not tracing.tracing_on()
    r = await _get("/things/7", traceparent=f"00-{TRACE_ID}-{CALLER_SPAN}-01")
    version, trace_id, span_id, flags = r.headers["traceresponse"].split("-")
    assert (version, trace_id, flags) == ("00", TRACE_ID, "01")
    assert span_id != CALLER_SPAN


def _envelope(traceparent: str | None) -> Envelope:
    event = kernel.NoteWritten(aggregate_id=str(uuid.uuid4()), seq=1)
    return Envelope.wrap(event, source="/itp/unit", traceparent=traceparent)


def test_a_consumer_span_is_a_child_of_the_writer_and_what_it_writes_names_it(
    exporter: InMemorySpanExporter,
) -> None:
    envelope = _envelope(f"00-{TRACE_ID}-{CALLER_SPAN}-01")
    with tracing.consuming(envelope, "itp.unit.events", "itp-unit-notes") as tp:
        assert tracing.current_traceparent.get() == tp
        assert tracing.for_events(tp) == tp, "its events name the consumer's span"
    assert tracing.current_traceparent.get() is None
    (span,) = exporter.get_finished_spans()
    assert span.name == "process itp.unit.events"
    assert span.kind is SpanKind.CONSUMER
    assert span.parent is not None and f"{span.parent.span_id:016x}" == CALLER_SPAN
    assert tp == f"00-{TRACE_ID}-{ids(span)[1]}-01"

    tracing.record_published([("itp.unit.events", tp, envelope.id)], 1, 2, "unit")
    published = exporter.get_finished_spans()[-1]
    assert published.name == "publish itp.unit.events" and published.kind is SpanKind.PRODUCER
    assert published.parent is not None and f"{published.parent.span_id:016x}" == ids(span)[1]


def test_off_a_consumer_keeps_the_events_trace_and_its_events_get_a_new_span_id() -> None:
    tp = f"00-{TRACE_ID}-{CALLER_SPAN}-01"
    with tracing.consuming(_envelope(tp), "itp.unit.events", "itp-unit-notes") as inside:
        assert inside == tp == tracing.current_traceparent.get()
        written = tracing.for_events(inside)
    assert written.split("-")[1] == TRACE_ID and written != tp


@pytest.mark.parametrize(
    ("env", "on"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"}, False),
    ],
)
def test_tracing_is_on_only_when_an_otlp_endpoint_is_configured(env: dict[str, str], on: bool) -> None:
    assert tracing.tracing_requested(env) is on
