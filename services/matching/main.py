"""The matching service: its own read model of demands, carriers and people (from events),
an in-memory index over it, ranked and explained suggestions, curation, conflicts of
interest and capacity-aware batch assignment."""

from pathlib import Path

from services.matching import api, handlers, tables
from services.matching.service import MatchingService
from services.matching.settings import MatchingSettings
from shared.events import topics
from shared.runtime import ConsumerSpec, ServiceDefinition

definition = ServiceDefinition(
    name="matching",
    title="ITP matching service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router],
    migrations=Path(__file__).parent / "migrations",
    service=lambda runtime: MatchingService(runtime.uow, MatchingSettings()),
    consumers=[
        ConsumerSpec(
            "read-model", [topics.TALENT, topics.DEMAND, topics.CONTRACTS], handlers.handlers, handlers.batch_scope
        )
    ],
    on_start=handlers.on_start,
)
