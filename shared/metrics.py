"""The platform's Prometheus metrics, defined once (``itp_*``), and their exposition.

Every service, the gateway and the command line read these definitions; the alert rules and
the Grafana dashboard in ``deploy/observability/`` name only metrics of :data:`REGISTRY` (a unit
test checks it). Labels are bounded: a route *template* (never the raw path), a service, a
consumer group, a topic and partition, an outcome from a fixed set.

Several worker processes of one service (``PROMETHEUS_MULTIPROC_DIR`` set, as prometheus-client
documents) are summed at scrape; each gauge says how. Values computed at scrape (outbox backlog,
dead letters waiting) are refreshed by the ``/metrics`` route itself, at most every few seconds.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
# Every sample name the registry can expose, with its label names (the alert rules and the
# dashboard are checked against this: deploy/observability/check.py).
SAMPLES: dict[str, tuple[str, ...]] = {}
_SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",), "histogram": ("_bucket", "_count", "_sum", "_created")}


def _described(kind: str, name: str, labelnames: Sequence[str]) -> None:
    for suffix in _SUFFIXES[kind]:
        SAMPLES[name + suffix] = (*labelnames, "le") if suffix == "_bucket" else tuple(labelnames)


def _counter(name: str, documentation: str, labelnames: Sequence[str] = ()) -> Counter:
    _described("counter", name, labelnames)
    return Counter(name, documentation, labelnames, registry=REGISTRY)


def _gauge(name: str, documentation: str, labelnames: Sequence[str] = (), *, multiprocess_mode: Any) -> Gauge:
    _described("gauge", name, labelnames)
    return Gauge(name, documentation, labelnames, registry=REGISTRY, multiprocess_mode=multiprocess_mode)


def _histogram(name: str, documentation: str, labelnames: Sequence[str], *, buckets: Sequence[float]) -> Histogram:
    _described("histogram", name, labelnames)
    return Histogram(name, documentation, labelnames, registry=REGISTRY, buckets=buckets)


# HTTP: fine where a request is a few ms, up to the 10 s a composed view may wait.
_HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_ROUTE = "<unmatched>"  # a path no route serves (404s): one label value, not one per path

HTTP_REQUESTS = _counter(
    "itp_http_requests",
    "HTTP requests answered, by service, route template, method and status code",
    ["service", "route", "method", "status"],
)
HTTP_DURATION = _histogram(
    "itp_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by service, route template and method",
    ["service", "route", "method"],
    buckets=_HTTP_BUCKETS,
)
HTTP_IN_FLIGHT = _gauge(
    "itp_http_requests_in_flight",
    "Requests being answered now",
    ["service"],
    multiprocess_mode="livesum",
)

OUTBOX_PENDING = _gauge(
    "itp_outbox_pending_events",
    "Outbox rows not yet published to the broker",
    ["service"],
    multiprocess_mode="livemax",
)
OUTBOX_OLDEST_AGE = _gauge(
    "itp_outbox_oldest_pending_age_seconds",
    "Age of the oldest unpublished outbox row (0 when none waits)",
    ["service"],
    multiprocess_mode="livemax",
)
RELAY_PUBLISHED = _counter(
    "itp_relay_published_events",
    "Outbox events the relay published and marked",
    ["service"],
)
RELAY_PUBLISH_DURATION = _histogram(
    "itp_relay_publish_duration_seconds",
    "Time to publish one outbox batch (broker acknowledgement and marking included)",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0),
)
RELAY_FAILURES = _counter(
    "itp_relay_failures",
    "Relay rounds that failed (database or broker); the relay backs off and retries",
    ["service"],
)
RELAY_LEADER = _gauge(
    "itp_relay_leader",
    "1 while this process holds its service's relay lead (one replica per service should)",
    ["service"],
    multiprocess_mode="livesum",
)

CONSUMER_EVENTS = _counter(
    "itp_consumer_events",
    "Events a consumer group handled, by outcome (applied, duplicate, ignored, dead_lettered)",
    ["consumer", "topic", "outcome"],
)
CONSUMER_RETRIES = _counter(
    "itp_consumer_retries",
    "Handler attempts that failed and were retried",
    ["consumer", "topic"],
)
CONSUMER_LAG = _gauge(
    "itp_consumer_lag_messages",
    "Messages of a partition this consumer group has not handled yet (seen by its member)",
    ["consumer", "topic", "partition"],
    multiprocess_mode="livemax",
)
DLQ_PENDING = _gauge(
    "itp_dlq_pending_messages",
    "Dead letters in <topic>.dlq neither redriven nor purged (itp dlq list)",
    ["topic"],
    multiprocess_mode="livemax",
)

MATCHING_SUGGESTION_DURATION = _histogram(
    "itp_matching_suggestion_duration_seconds",
    "Time to rank and record one demand's suggestions, by trigger",
    ["trigger"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
GATEWAY_DOWNSTREAM = _counter(
    "itp_gateway_downstream_requests",
    "Gateway calls to a service, by outcome (ok, client_error, server_error, unavailable)",
    ["service", "outcome"],
)
GATEWAY_DOWNSTREAM_DURATION = _histogram(
    "itp_gateway_downstream_request_duration_seconds",
    "Time of one gateway call to a service",
    ["service"],
    buckets=_HTTP_BUCKETS,
)
DASHBOARD_SUBSCRIBERS = _gauge(
    "itp_dashboard_stream_subscribers",
    "Clients connected to the dashboard's live event stream",
    multiprocess_mode="livesum",
)


def metric_names() -> set[str]:
    """Every sample name the registry can expose (``_total``, ``_bucket``... included)."""
    return set(SAMPLES)


def downstream_outcome(status: int | None) -> str:
    """The outcome label of a gateway call: its status class, or ``unavailable``."""
    if status is None:
        return "unavailable"
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


_DOWNSTREAM_SERIES: dict[tuple[str, str], tuple[Any, Any]] = {}


def observe_downstream(service: str, started: float, status: int | None) -> None:
    """Count and time one gateway call to ``service`` (``status`` None: unavailable)."""
    outcome = downstream_outcome(status)
    series = _DOWNSTREAM_SERIES.get((service, outcome))
    if series is None:  # ``labels`` costs more than the count: each series is looked up once
        series = (GATEWAY_DOWNSTREAM.labels(service, outcome), GATEWAY_DOWNSTREAM_DURATION.labels(service))
        _DOWNSTREAM_SERIES[(service, outcome)] = series
    series[0].inc()
    series[1].observe(time.perf_counter() - started)


P = ParamSpec("P")
R = TypeVar("R")


def timed(
    histogram: Histogram, label: str, default: str
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Decorator: time a coroutine function into ``histogram``, labelled by its keyword ``label``."""

    def wrap(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                histogram.labels(str(kwargs.get(label, default))).observe(time.perf_counter() - started)

        return inner

    return wrap


Refresher = Callable[[], Awaitable[None]]


class ScrapeRefresh:
    """Values computed at scrape (queries), at most once per ``min_interval_s``: a scrape storm
    costs one query per interval."""

    def __init__(self, min_interval_s: float = 5.0) -> None:
        self.min_interval_s = min_interval_s
        self._refreshers: list[Refresher] = []
        self._at = 0.0

    def add(self, refresher: Refresher) -> None:
        self._refreshers.append(refresher)

    async def refresh(self) -> None:
        now = time.monotonic()
        if self._refreshers and now - self._at >= self.min_interval_s:
            self._at = now
            for r in self._refreshers:
                await r()


_LAG_EVERY_S = 1.0
_lag_seen: dict[str, float] = {}


async def observe_lag(group: str, subscriber: Any) -> None:
    """Set the lag gauges of ``group`` from its subscriber (at most once a second)."""
    lag = getattr(subscriber, "lag", None)
    now = time.monotonic()
    if lag is None or now - _lag_seen.get(group, 0.0) < _LAG_EVERY_S:
        return
    _lag_seen[group] = now
    try:
        behind = await lag()
    except Exception:  # a figure for the dashboard must never stop a consumer
        return
    for (topic, partition), n in behind.items():
        CONSUMER_LAG.labels(group, topic, str(partition)).set(n)


def exposition() -> tuple[bytes, str]:
    """The text exposition of the metrics (of every worker when multi-process) and its type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry: Any = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
