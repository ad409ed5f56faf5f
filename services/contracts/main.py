"""The contracts service: technical cooperation contracts, milestones, payments and grant-to-equity terms."""

from pathlib import Path

from services.contracts import api, handlers, tables
from services.contracts.service import ContractService
from shared.events import topics
from shared.runtime import ConsumerSpec, ServiceDefinition

definition = ServiceDefinition(
    name="contracts",
    title="ITP contracts service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router],
    migrations=Path(__file__).parent / "migrations",
    service=lambda runtime: ContractService(runtime.uow),
    # MatchAccepted drafts a contract.
    consumers=[ConsumerSpec("drafting", [topics.MATCHING], handlers.handlers)],
)
