"""Kafka topics of the platform: one per publishing service.

The key of every record is the aggregate id, so all events of one aggregate land in one
partition and keep their order. Each topic has a dead-letter twin, ``<topic>.dlq``.

``ITP_TOPIC_PREFIX`` (default ``itp``, read once at import) namespaces the topics and the
consumer groups, so several installations — or a test's own stack — can share one broker
without reading each other's events or joining each other's groups.
"""

import os

PREFIX = os.environ.get("ITP_TOPIC_PREFIX", "itp")

DEMAND = f"{PREFIX}.demand.events"
TALENT = f"{PREFIX}.talent.events"
MATCHING = f"{PREFIX}.matching.events"
CONTRACTS = f"{PREFIX}.contracts.events"

ALL = (DEMAND, TALENT, MATCHING, CONTRACTS)


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


def for_prefix(prefix: str) -> dict[str, str]:
    """The topic names another installation with ``prefix`` uses (for tests that start one)."""
    return {name: f"{prefix}.{name}.events" for name in ("demand", "talent", "matching", "contracts")}


def consumer_group(service: str, name: str) -> str:
    return f"{PREFIX}-{service}-{name}"
