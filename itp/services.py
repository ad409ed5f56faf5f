"""The composition root: which services exist and where their definitions live."""

from __future__ import annotations

import importlib

from shared.runtime import ServiceDefinition

DATA_SERVICES = ("demand", "talent", "matching", "contracts", "dashboard")
ALL_SERVICES = (*DATA_SERVICES, "gateway")


def definition(name: str) -> ServiceDefinition:
    if name not in DATA_SERVICES:
        raise SystemExit(f"unknown service {name!r}; choose from {', '.join(DATA_SERVICES)}")
    module = importlib.import_module(f"services.{name}.main")
    d: ServiceDefinition = module.definition
    return d
