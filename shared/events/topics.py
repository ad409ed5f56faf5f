"""Kafka topics of the platform: one per publishing service.

The key of every record is the aggregate id, so all events of one aggregate land in one
partition and keep their order. Each topic has a dead-letter twin, ``<topic>.dlq``.
"""

DEMAND = "itp.demand.events"
TALENT = "itp.talent.events"
MATCHING = "itp.matching.events"
CONTRACTS = "itp.contracts.events"

ALL = (DEMAND, TALENT, MATCHING, CONTRACTS)


def dlq(topic: str) -> str:
    return f"{topic}.dlq"
