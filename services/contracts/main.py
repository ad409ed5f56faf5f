"""The contracts service: technical cooperation contracts, milestones, payments, grant-to-equity terms,
and the funds the institute backs with the portfolio they and the converted grants make."""

from pathlib import Path

from services.contracts import api, handlers, tables
from services.contracts.funds import api as funds_api
from services.contracts.service import ContractService
from shared.events import topics
from shared.runtime import ConsumerSpec, ServiceDefinition

definition = ServiceDefinition(
    name="contracts",
    title="ITP contracts service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router, funds_api.router],
    migrations=Path(__file__).parent / "migrations",
    service=lambda runtime: ContractService(runtime.uow),
    # MatchAccepted drafts a contract; a demand that ends (withdrawn, expired, closed) closes its drafts.
    consumers=[ConsumerSpec("drafting", [topics.MATCHING, topics.DEMAND], handlers.handlers)],
)
