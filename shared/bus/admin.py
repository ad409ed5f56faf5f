"""What operators ask of the broker: topics and their settings, offsets, a group's progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.bus.kafka import connection_options
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class TopicInfo:
    name: str
    partitions: int
    replication_factor: int
    under_replicated: int  # partitions whose in-sync replicas are fewer than their replicas
    configs: dict[str, str]


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group never committed here (it starts at the earliest)
    start: int
    end: int

    @property
    def lag(self) -> int:
        return max(0, self.end - max(self.committed if self.committed is not None else self.start, self.start))


class KafkaAdmin:
    """A short-lived admin client and an offsets reader (``async with KafkaAdmin(settings)``)."""

    def __init__(self, settings: ServiceSettings) -> None:
        options = connection_options(settings)
        self.admin = AIOKafkaAdminClient(
            bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=15000, **options
        )
        self.reader = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False, request_timeout_ms=15000, **options
        )

    async def __aenter__(self) -> KafkaAdmin:
        await self.admin.start()
        try:
            await self.reader.start()
        except BaseException:
            await self.admin.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.reader.stop()
        finally:
            await self.admin.close()

    async def partitions(self, topics: list[str]) -> dict[str, list[int]]:
        """Partition numbers of each topic the broker has (missing topics are left out)."""
        out: dict[str, list[int]] = {}
        for t in await self.admin.describe_topics(topics):
            if t["error_code"] == 0:
                out[t["topic"]] = sorted(p["partition"] for p in t["partitions"])
        return out

    async def describe(self, topics: list[str]) -> dict[str, TopicInfo]:
        """Partitions, replication and the settings we manage, of each existing topic."""
        described = {t["topic"]: t for t in await self.admin.describe_topics(topics) if t["error_code"] == 0}
        configs: dict[str, dict[str, str]] = {name: {} for name in described}
        if described:
            resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in described]
            for response in await self.admin.describe_configs(resources):
                for resource in response.resources:
                    name, entries = resource[3], resource[4]
                    configs[name] = {e[0]: e[1] for e in entries}
        out = {}
        for name, t in described.items():
            parts: list[dict[str, Any]] = t["partitions"]
            out[name] = TopicInfo(
                name,
                len(parts),
                min((len(p["replicas"]) for p in parts), default=0),
                sum(1 for p in parts if len(p["isr"]) < len(p["replicas"])),
                configs.get(name, {}),
            )
        return out

    async def offsets(self, topics: list[str]) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
        """First and next offsets of every partition of these topics."""
        tps = [TopicPartition(t, p) for t, ps in (await self.partitions(topics)).items() for p in ps]
        if not tps:
            return {}, {}
        return await self.reader.beginning_offsets(tps), await self.reader.end_offsets(tps)

    async def group_lag(self, group: str, topics: list[str]) -> list[PartitionLag]:
        """How far ``group`` is behind on each partition of ``topics`` (its committed offsets)."""
        starts, ends = await self.offsets(topics)
        committed = await self.admin.list_consumer_group_offsets(group, partitions=list(ends))
        out = []
        for tp in sorted(ends, key=lambda tp: (tp.topic, tp.partition)):
            c = committed.get(tp)
            offset = c.offset if c is not None and c.offset >= 0 else None
            out.append(PartitionLag(group, tp.topic, tp.partition, offset, starts[tp], ends[tp]))
        return out
