"""Apache Kafka through aiokafka: an idempotent producer and manually committed groups."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context
from aiokafka.structs import OffsetAndMetadata

from shared.bus.base import Message, Record, event_id_of

if TYPE_CHECKING:
    from shared.settings import ServiceSettings


def connection_options(settings: ServiceSettings) -> dict[str, Any]:
    """What every Kafka client of ours needs beyond the bootstrap servers: TLS and SASL."""
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = create_ssl_context(cafile=settings.kafka_ssl_cafile)
    if settings.kafka_security_protocol.startswith("SASL"):
        options.update(
            sasl_mechanism=settings.kafka_sasl_mechanism,
            sasl_plain_username=settings.kafka_sasl_username,
            sasl_plain_password=settings.kafka_sasl_password,
        )
    return options


@dataclass(frozen=True)
class TopicSpec:
    """How topics are created: from settings (ITP_TOPIC_*)."""

    partitions: int = 3
    replication_factor: int = 1
    min_insync_replicas: int = 1
    retention_ms: int = -1

    @classmethod
    def of(cls, settings: ServiceSettings) -> TopicSpec:
        return cls(
            settings.topic_partitions,
            settings.topic_replication_factor,
            settings.topic_min_insync_replicas,
            settings.topic_retention_ms,
        )


class KafkaBus:
    def __init__(self, bootstrap: str, *, client_id: str = "itp", options: dict[str, Any] | None = None) -> None:
        self._bootstrap = bootstrap
        self._client_id = client_id
        self._options = options or {}
        self._producer: AIOKafkaProducer | None = None
        self._starting = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: ServiceSettings, *, client_id: str = "itp") -> KafkaBus:
        return cls(settings.kafka_bootstrap, client_id=client_id, options=connection_options(settings))

    async def start(self) -> None:
        """Connect the producer. A broker away at start is not fatal to a service: ``publish``
        connects it on first use (the relay retries until the broker is back)."""
        await self._ensure_producer()

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        async with self._starting:
            if self._producer is None:
                # The idempotent producer implies acks=all and keeps per-partition order
                # across retries, so the relay's sequence order is the topic's order.
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._bootstrap,
                    client_id=self._client_id,
                    enable_idempotence=True,
                    acks="all",
                    linger_ms=2,
                    request_timeout_ms=15000,
                    **self._options,
                )
                try:
                    await producer.start()
                except BaseException:
                    with contextlib.suppress(Exception):
                        await producer.stop()
                    raise
                self._producer = producer
            return self._producer

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def publish(self, records: list[Record]) -> None:
        producer = await self._ensure_producer()
        try:
            futures = [await producer.send(r.topic, value=r.value, key=r.key, headers=r.headers) for r in records]
            await asyncio.gather(*futures)
        except Exception:
            # A failed batch may leave the idempotent producer's sequence numbers out of step with
            # the broker (after a broker restart every later send fails with OutOfOrderSequenceNumber):
            # the next publish starts a new producer, with a new producer id.
            if self._producer is producer:
                self._producer = None
            with contextlib.suppress(Exception):
                await producer.stop()
            raise

    async def ensure_topics(self, topics: list[str], spec: TopicSpec | int) -> None:
        """Create the missing topics (existing ones are left as they are)."""
        if isinstance(spec, int):
            spec = TopicSpec(partitions=spec)
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, request_timeout_ms=15000, **self._options)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if missing:
                try:
                    resp = await admin.create_topics(
                        [
                            NewTopic(
                                t,
                                num_partitions=spec.partitions,
                                replication_factor=spec.replication_factor,
                                topic_configs={
                                    "retention.ms": str(spec.retention_ms),
                                    "min.insync.replicas": str(spec.min_insync_replicas),
                                },
                            )
                            for t in missing
                        ]
                    )
                except TopicAlreadyExistsError:
                    return  # another process created them between list and create
                # aiokafka reports per-topic errors in the response instead of raising.
                for topic_error in getattr(resp, "topic_errors", []):
                    name, code = topic_error[0], topic_error[1]
                    if code not in (0, TopicAlreadyExistsError.errno):
                        raise RuntimeError(f"could not create topic {name}: error code {code}")
        finally:
            await admin.close()

    async def recent_event_ids(self, topics: list[str], per_partition: int) -> set[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, request_timeout_ms=15000)
        await admin.start()
        try:
            described = await admin.describe_topics(topics)
        finally:
            await admin.close()
        tps = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
        consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None, enable_auto_commit=False)
        await consumer.start()
        try:
            ends = await consumer.end_offsets(tps)
            begins = await consumer.beginning_offsets(tps)
            wanted = {tp: end for tp, end in ends.items() if end > begins[tp]}
            consumer.assign(list(wanted))
            for tp, end in wanted.items():
                consumer.seek(tp, max(begins[tp], end - per_partition))
            ids: set[str] = set()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 30.0
            while wanted:
                if loop.time() > deadline:
                    raise TimeoutError(f"could not read the ends of {sorted(map(str, wanted))}")
                for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                    ids.update(i for r in records if (i := event_id_of(r.value)) is not None)
                    if records and records[-1].offset + 1 >= wanted.get(tp, 0):
                        wanted.pop(tp, None)
            return ids
        finally:
            await consumer.stop()

    def subscriber(self, group: str, topics: list[str]) -> KafkaSubscriber:
        return KafkaSubscriber(self._bootstrap, group, topics, **self._options)


class KafkaSubscriber:
    def __init__(self, bootstrap: str, group: str, topics: list[str], **overrides: Any) -> None:
        self._options: dict[str, Any] = {
            "bootstrap_servers": bootstrap,
            "group_id": group,
            "client_id": group,
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "isolation_level": "read_committed",
            "max_poll_records": 500,
            **overrides,
        }
        self._topics = topics
        self._consumer = AIOKafkaConsumer(*topics, **self._options)
        self._handed: dict[TopicPartition, int] = {}  # next offset after what fetch() returned

    async def start(self) -> None:
        """Join the group; after a failure (the broker away) the subscriber can be started again."""
        try:
            await self._consumer.start()
        except BaseException:
            with contextlib.suppress(Exception):
                await self._consumer.stop()
            self._consumer = AIOKafkaConsumer(*self._topics, **self._options)
            raise

    async def stop(self) -> None:
        await self._consumer.stop()

    async def fetch(self, timeout_s: float) -> list[Message]:
        batches = await self._consumer.getmany(timeout_ms=int(timeout_s * 1000))
        out: list[Message] = []
        for tp, msgs in batches.items():
            if msgs:
                self._handed[tp] = msgs[-1].offset + 1
            out.extend(
                Message(
                    tp.topic,
                    tp.partition,
                    m.offset,
                    m.key,
                    m.value,
                    tuple((k, v) for k, v in (m.headers or ())),
                )
                for m in msgs
            )
        return out

    async def commit(self, message: Message) -> None:
        tp = TopicPartition(message.topic, message.partition)
        await self._consumer.commit({tp: OffsetAndMetadata(message.offset + 1, "")})

    async def rewind(self, message: Message) -> None:
        tp = TopicPartition(message.topic, message.partition)
        if tp not in self._consumer.assignment():
            return  # lost in a rebalance: its new owner resumes from the committed offset
        self._consumer.seek(tp, message.offset)
        self._handed[tp] = message.offset

    async def pause(self, topic: str, partition: int) -> None:
        tp = TopicPartition(topic, partition)
        if tp in self._consumer.assignment():  # else lost in a rebalance: nothing to hold
            self._consumer.pause(tp)

    async def resume(self, topic: str, partition: int) -> None:
        tp = TopicPartition(topic, partition)
        if tp in self._consumer.assignment():
            self._consumer.resume(tp)

    async def lag(self) -> dict[tuple[str, int], int]:
        """Records of each assigned partition past what this member has been handed (the last
        stable offset the broker reported with its last fetch; no request of its own). A partition
        it was handed nothing of yet is left out."""
        out: dict[tuple[str, int], int] = {}
        for tp in self._consumer.assignment():
            end = self._consumer.last_stable_offset(tp)
            handed = self._handed.get(tp)
            if end is not None and handed is not None:
                out[(tp.topic, tp.partition)] = max(0, end - handed)
        return out
