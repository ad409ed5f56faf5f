"""Kafka security settings against a real broker: the local broker's SASL/SCRAM-SHA-512 listener
(deploy/local/kafka.sh), as managed and Strimzi clusters offer."""

from __future__ import annotations

import os
import uuid

import pytest
from aiokafka.errors import KafkaError

from shared.bus.base import Record
from shared.bus.kafka import KafkaBus
from shared.settings import ServiceSettings
from shared.testing import wait_for


def _scram(password: str) -> ServiceSettings:
    bootstrap = os.environ.get("ITP_TEST_KAFKA_SASL_BOOTSTRAP", "127.0.0.1:59094")
    return ServiceSettings(
        env="test",
        kafka_bootstrap=bootstrap,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="itp",
        kafka_sasl_password=password,
    )


PASSWORD = os.environ.get("ITP_TEST_KAFKA_SCRAM_PASSWORD", "itp-local-scram")


async def test_topics_publish_and_consume_over_sasl_scram() -> None:
    settings = _scram(PASSWORD)
    topic = f"itp.test.sasl.{uuid.uuid4().hex[:8]}"
    bus = KafkaBus.from_settings(settings, client_id="itp-sasl-test")
    await bus.ensure_topics([topic], 1)
    await bus.start()
    subscriber = bus.subscriber(f"itp-sasl-test-{uuid.uuid4().hex[:6]}", [topic])
    await subscriber.start()
    try:
        await bus.publish([Record(topic, b"k", b"over SCRAM")])
        got = await wait_for(lambda: subscriber.fetch(0.5), timeout_s=30, what="the record over SASL")
        assert [m.value for m in got] == [b"over SCRAM"]
    finally:
        await subscriber.stop()
        await bus.stop()


async def test_a_wrong_scram_password_is_refused() -> None:
    bus = KafkaBus.from_settings(_scram("not-the-password"), client_id="itp-sasl-test-bad")
    with pytest.raises(KafkaError):
        await bus.ensure_topics([f"itp.test.sasl.{uuid.uuid4().hex[:8]}"], 1)
