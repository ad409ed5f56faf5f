"""The demand service: enterprises, joint innovation centers and technology demands."""

from pathlib import Path

from services.demand import api, handlers, tables
from services.demand.service import DemandService
from shared.events import topics
from shared.runtime import ConsumerSpec, ServiceDefinition

definition = ServiceDefinition(
    name="demand",
    title="ITP demand service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router],
    migrations=Path(__file__).parent / "migrations",
    service=lambda runtime: DemandService(runtime.uow),
    consumers=[ConsumerSpec("lifecycle", [topics.MATCHING, topics.CONTRACTS], handlers.handlers)],
)
