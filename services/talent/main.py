"""The talent service: R&D carriers and the people who do and broker the work."""

from pathlib import Path

from services.talent import api, tables
from shared.runtime import ServiceDefinition

definition = ServiceDefinition(
    name="talent",
    title="ITP talent service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router],
    migrations=Path(__file__).parent / "migrations",
)
