"""The talent service in-process, once per test module, on a fresh migrated PostgreSQL
database and the real Kafka broker.

``background=False``: no relay or consumer task runs by itself; a test drives the relay
(``runtime.relay.publish_pending()``) and the consumer (``consumer.process(message)``), or
starts a consumer on the real topics under a group of its own (``helpers.running_consumer``).
Tests of one module share the database, so each works on carriers and people of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.talent.main import definition
from services.talent.tests.integration.helpers import TalentApp
from shared.bus.kafka import KafkaBus
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import create_database, drop_database, kafka_bootstrap, migrated_template, unique


@pytest.fixture(scope="module")
async def talent(_drop_templates: None) -> AsyncIterator[TalentApp]:
    name = unique("itp_test_talent")
    url = await create_database(name, template=await migrated_template("talent", definition.migrations))
    bus = KafkaBus(kafka_bootstrap(), client_id=unique("itp-talent-it"))
    settings = ServiceSettings(env="test", service_name="talent", database_url=url, mode="kafka")
    app = create_service_app(definition, settings, bus, background=False)
    try:
        async with app.router.lifespan_context(app):
            yield TalentApp(app=app, runtime=app.state.runtime, bus=bus, database_url=url)
    finally:
        await bus.stop()
        await drop_database(name)
