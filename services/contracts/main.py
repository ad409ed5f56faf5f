"""The contracts service: technical cooperation contracts, milestones and payments."""

from pathlib import Path

from services.contracts import api, tables
from shared.runtime import ServiceDefinition

definition = ServiceDefinition(
    name="contracts",
    title="ITP contracts service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router],
    migrations=Path(__file__).parent / "migrations",
)
