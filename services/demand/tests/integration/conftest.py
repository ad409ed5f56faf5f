"""The demand service in-process, once per test module, on a fresh migrated PostgreSQL database
and the real Kafka broker.

``background=False``: no relay or consumer task runs, so each test drives the relay
(``runtime.relay.publish_pending()``) and the consumer (``consumer.process(message)``)
itself, deterministically. Tests of one module share the database, so each works on its
own enterprises and demands (and filters by them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.demand.main import definition
from services.demand.tests.integration.helpers import DemandApp
from shared.bus.kafka import KafkaBus
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import create_database, drop_database, kafka_bootstrap, migrated_template, unique


@pytest.fixture(scope="module")
async def demand(_drop_templates: None) -> AsyncIterator[DemandApp]:
    # The root conftest's ``fresh_db`` is function-scoped; this is the same clone of the
    # migrated template, kept for the whole module.
    name = unique("itp_test_demand")
    url = await create_database(name, template=await migrated_template("demand", definition.migrations))
    bus = KafkaBus(kafka_bootstrap(), client_id=unique("itp-demand-it"))
    settings = ServiceSettings(env="test", service_name="demand", database_url=url)
    app = create_service_app(definition, settings, bus, background=False)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://demand") as client:
                yield DemandApp(app=app, runtime=app.state.runtime, client=client, bus=bus)
    finally:
        await bus.stop()
        await drop_database(name)
