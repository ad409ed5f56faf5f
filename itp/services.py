"""The composition root: which services exist and where their definitions live."""

from __future__ import annotations

import importlib
from pathlib import Path

from shared.runtime import ServiceDefinition

DATA_SERVICES = ("demand", "talent", "matching", "contracts", "dashboard")
ALL_SERVICES = (*DATA_SERVICES, "gateway")
# Every deployable with a database of its own: the data services, and the gateway's store of
# API keys (ADR 0005).
MIGRATED = ALL_SERVICES


def definition(name: str) -> ServiceDefinition:
    if name not in DATA_SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose from {', '.join(DATA_SERVICES)}")
    module = importlib.import_module(f"services.{name}.main")
    d: ServiceDefinition = module.definition
    return d


def migrations_dir(name: str) -> Path:
    """The Alembic tree of a deployable with a database (``MIGRATED``)."""
    if name == "gateway":
        from services.gateway.tables import MIGRATIONS

        return MIGRATIONS
    return definition(name).migrations
