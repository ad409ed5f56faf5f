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
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)

# HTTP: fine where a request is a few ms, up to the 10 s a composed view may wait.
_HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_ROUTE = "<unmatched>"  # a path no route serves (404s): one label value, not one per path

HTTP_REQUESTS = Counter(
    "itp_http_requests",
    "HTTP requests answered, by service, route template, method and status code",
    ["service", "route", "method", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "itp_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by service, route template and method",
    ["service", "route", "method"],
    buckets=_HTTP_BUCKETS,
    registry=REGISTRY,
)
HTTP_IN_FLIGHT = Gauge(
    "itp_http_requests_in_flight",
    "Requests being answered now",
    ["service"],
    multiprocess_mode="livesum",
    registry=REGISTRY,
)

OUTBOX_PENDING = Gauge(
    "itp_outbox_pending_events",
    "Outbox rows not yet published to the broker",
    ["service"],
    multiprocess_mode="livemax",
    registry=REGISTRY,
)
OUTBOX_OLDEST_AGE = Gauge(
    "itp_outbox_oldest_pending_age_seconds",
    "Age of the oldest unpublished outbox row (0 when none waits)",
    ["service"],
    multiprocess_mode="livemax",
    registry=REGISTRY,
)
RELAY_PUBLISHED = Counter(
    "itp_relay_published_events",
    "Outbox events the relay published and marked",
    ["service"],
    registry=REGISTRY,
)
RELAY_PUBLISH_DURATION = Histogram(
    "itp_relay_publish_duration_seconds",
    "Time to publish one outbox batch (broker acknowledgement and marking included)",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0),
    registry=REGISTRY,
)
RELAY_FAILURES = Counter(
    "itp_relay_failures",
    "Relay rounds that failed (database or broker); the relay backs off and retries",
    ["service"],
    registry=REGISTRY,
)
RELAY_LEADER = Gauge(
    "itp_relay_leader",
    "1 while this process holds its service's relay lead (one replica per service should)",
    ["service"],
    multiprocess_mode="livesum",
    registry=REGISTRY,
)

CONSUMER_EVENTS = Counter(
    "itp_consumer_events",
    "Events a consumer group handled, by outcome (applied, duplicate, ignored, dead_lettered)",
    ["consumer", "topic", "outcome"],
    registry=REGISTRY,
)
CONSUMER_RETRIES = Counter(
    "itp_consumer_retries",
    "Handler attempts that failed and were retried",
    ["consumer", "topic"],
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "itp_consumer_lag_messages",
    "Messages of a partition this consumer group has not handled yet (seen by its member)",
    ["consumer", "topic", "partition"],
    multiprocess_mode="livemax",
    registry=REGISTRY,
)
DLQ_PENDING = Gauge(
    "itp_dlq_pending_messages",
    "Dead letters in <topic>.dlq neither redriven nor purged (itp dlq list)",
    ["topic"],
    multiprocess_mode="livemax",
    registry=REGISTRY,
)

MATCHING_SUGGESTION_DURATION = Histogram(
    "itp_matching_suggestion_duration_seconds",
    "Time to rank and record one demand's suggestions, by trigger",
    ["trigger"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
GATEWAY_DOWNSTREAM = Counter(
    "itp_gateway_downstream_requests",
    "Gateway calls to a service, by outcome (ok, client_error, server_error, unavailable)",
    ["service", "outcome"],
    registry=REGISTRY,
)
GATEWAY_DOWNSTREAM_DURATION = Histogram(
    "itp_gateway_downstream_request_duration_seconds",
    "Time of one gateway call to a service",
    ["service"],
    buckets=_HTTP_BUCKETS,
    registry=REGISTRY,
)
DASHBOARD_SUBSCRIBERS = Gauge(
    "itp_dashboard_stream_subscribers",
    "Clients connected to the dashboard's live event stream",
    multiprocess_mode="livesum",
    registry=REGISTRY,
)


def metric_names() -> set[str]:
    """Every sample name the registry can expose (``_total``, ``_bucket``... included)."""
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.add(family.name)
        for sample in family.samples:
            names.add(sample.name)
        if family.type == "counter":
            names.add(family.name + "_total")
        if family.type == "histogram":
            names.update(family.name + s for s in ("_bucket", "_count", "_sum"))
    return names


def downstream_outcome(status: int | None) -> str:
    """The outcome label of a gateway call: its status class, or ``unavailable``."""
    if status is None:
        return "unavailable"
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


def observe_downstream(service: str, started: float, status: int | None) -> None:
    """Count and time one gateway call to ``service`` (``status`` None: unavailable)."""
    GATEWAY_DOWNSTREAM.labels(service, downstream_outcome(status)).inc()
    GATEWAY_DOWNSTREAM_DURATION.labels(service).observe(time.perf_counter() - started)


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
    for (topic, partition), behind in (await lag()).items():
        CONSUMER_LAG.labels(group, topic, str(partition)).set(behind)


def exposition() -> tuple[bytes, str]:
    """The text exposition of the metrics (of every worker when multi-process) and its type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry: Any = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
