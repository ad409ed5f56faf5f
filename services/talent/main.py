"""The talent service: R&D carriers, the people who do and broker the work, joint training,
assignments under capacity, and each carrier's and person's track record."""

from pathlib import Path

from services.talent import api, handlers, tables
from services.talent.service import TalentService
from shared.events import topics
from shared.runtime import ConsumerSpec, ServiceDefinition

definition = ServiceDefinition(
    name="talent",
    title="ITP talent service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router],
    migrations=Path(__file__).parent / "migrations",
    service=lambda runtime: TalentService(runtime.uow),
    consumers=[ConsumerSpec("track-record", [topics.CONTRACTS, topics.MATCHING], handlers.handlers)],
)
