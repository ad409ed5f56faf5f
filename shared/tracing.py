"""W3C Trace Context (``traceparent``) carried through requests and events, and OpenTelemetry
spans recorded along it when tracing is on.

The current traceparent lives in a context variable: the HTTP middleware sets it from
the incoming request (or starts a new trace), the consumer sets it from the event it
handles, and the outbox stamps it on every event written (the CloudEvents ``traceparent``
extension, repeated as a Kafka header), so one trace follows a demand from the portal's POST
to the matching service's suggestion.

Tracing is off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``..._TRACES_ENDPOINT``) is set:
then ``configure_tracing`` installs the OpenTelemetry SDK with a batching OTLP/HTTP exporter,
configured by the standard ``OTEL_*`` variables, and the spans below are recorded; the
traceparent in the context variable is then always that of the span being recorded, so logs,
events and the ``traceresponse`` header name real spans. Off, nothing of the SDK is loaded and
the same ids are made up as before (a new span id per hop), at no cost.

Spans: ``{METHOD} {route template}`` (server) per HTTP request, ``process {topic}``
(consumer) per event a consumer applies, ``publish {topic}`` (producer) per event the relay
sends; an event's traceparent names the span that wrote it.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, Tracer

    from shared.events.envelope import Envelope

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

current_traceparent: ContextVar[str | None] = ContextVar("current_traceparent", default=None)

TRACER_NAME = "itp"
_tracer: Tracer | None = None  # set while tracing is on
_CURRENT: Any = object()  # span()'s default parent: the current traceparent


def new_traceparent() -> str:
    """A fresh sampled traceparent with a random trace id and span id."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def child_of(traceparent: str | None) -> str:
    """A traceparent in the same trace with a new span id; a new trace if none or invalid."""
    if traceparent:
        m = _TRACEPARENT.match(traceparent.strip().lower())
        if m and m.group(1) != "0" * 32:
            return f"00-{m.group(1)}-{secrets.token_hex(8)}-{m.group(3)}"
    return new_traceparent()


def trace_id(traceparent: str | None) -> str | None:
    """The trace id of a well-formed traceparent."""
    m = _TRACEPARENT.match(traceparent) if traceparent else None
    return m.group(1) if m else None


# --- OpenTelemetry ---------------------------------------------------------------------------


def tracing_requested(env: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks for traces: an OTLP endpoint is set and the SDK not disabled."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if env.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def configure_tracing(service: str, env: Mapping[str, str] = os.environ) -> bool:
    """Turn tracing on for this process if the environment asks for it (see the module doc);
    returns whether it is on. The resource's ``service.name`` is ``OTEL_SERVICE_NAME``, else
    ``itp-{service}``; sampling follows ``OTEL_TRACES_SAMPLER`` (default: parent-based, always on)."""
    if _tracer is not None:
        return True
    if not tracing_requested(env):
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({SERVICE_NAME: env.get("OTEL_SERVICE_NAME") or f"itp-{service}"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    use_tracer_provider(provider)
    return True


def use_tracer_provider(provider: TracerProvider | None) -> None:
    """Record spans with this provider from now on (``None``: tracing off). Tests install one
    with an in-memory exporter."""
    global _tracer
    _tracer = provider.get_tracer(TRACER_NAME) if provider is not None else None


def tracing_on() -> bool:
    return _tracer is not None


def traceparent_of(span: Span) -> str:
    c = span.get_span_context()
    return f"00-{c.trace_id:032x}-{c.span_id:016x}-{int(c.trace_flags):02x}"


def _parent_context(traceparent: str | None) -> Any:
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    if not traceparent:
        return None
    return TraceContextTextMapPropagator().extract({"traceparent": traceparent})


def _kind(kind: str) -> Any:
    from opentelemetry.trace import SpanKind

    return SpanKind[kind.upper()]


@contextmanager
def span(
    name: str,
    *,
    kind: str = "internal",
    parent: str | None = _CURRENT,
    attributes: Mapping[str, Any] | None = None,
) -> Iterator[Span]:
    """Record one span (tracing must be on), a child of ``parent`` (a traceparent; by default the
    current one; none or invalid: a new trace), current for what runs inside; an exception is
    recorded on it."""
    assert _tracer is not None, "tracing is off"
    from opentelemetry.trace import use_span

    context = _parent_context(current_traceparent.get() if parent is _CURRENT else parent)
    s = _tracer.start_span(name, context=context, kind=_kind(kind), attributes=attributes)
    token = current_traceparent.set(traceparent_of(s))
    try:
        with use_span(s, end_on_exit=True, record_exception=True, set_status_on_exception=True):
            yield s
    finally:
        current_traceparent.reset(token)


@contextmanager
def consuming(envelope: Envelope, topic: str, group: str) -> Iterator[str | None]:
    """The context a consumer applies one event in: with tracing on, a ``process {topic}`` span
    child of the span that wrote the event, and its traceparent; off, the event's own traceparent.
    Either way it is the current traceparent inside."""
    traceparent = envelope.traceparent
    if _tracer is None:
        token = current_traceparent.set(traceparent)
        try:
            yield traceparent
        finally:
            current_traceparent.reset(token)
        return
    attributes = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": topic,
        "messaging.consumer.group.name": group,
        "messaging.message.id": envelope.id,
        "cloudevents.event_type": envelope.type,
    }
    with span(f"process {topic}", kind="consumer", parent=traceparent, attributes=attributes) as s:
        yield traceparent_of(s)


def for_events(parent: str | None) -> str:
    """The traceparent stamped on the events written in the context of ``parent``: with tracing
    on, the span that writes them (so a consumer's span is its child); off, a new span id in the
    same trace. A new trace when there is no valid parent."""
    if _tracer is not None and parent and _TRACEPARENT.match(parent):
        return parent
    return child_of(parent)


def inject(headers: dict[str, str]) -> dict[str, str]:
    """Carry the current trace on an outgoing request's headers (the gateway's calls)."""
    tp = current_traceparent.get()
    if tp:
        headers["traceparent"] = tp
    return headers


def record_published(
    records: Sequence[tuple[str, str | None, str]], started_ns: int, ended_ns: int, service: str
) -> None:
    """With tracing on, one ``publish {topic}`` producer span per event the relay sent, for
    (topic, traceparent, event id), over the batch's send, each a child of its event's writer."""
    if _tracer is None:
        return
    kind = _kind("producer")
    for topic, traceparent, event_id in records:
        s = _tracer.start_span(
            f"publish {topic}",
            context=_parent_context(traceparent),
            kind=kind,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.type": "send",
                "messaging.destination.name": topic,
                "messaging.message.id": event_id,
                "itp.relay.service": service,
            },
            start_time=started_ns,
        )
        s.end(end_time=ended_ns)
