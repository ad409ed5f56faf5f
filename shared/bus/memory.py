"""An in-process bus with Kafka's semantics where they matter to us.

Topics have partitions, a record's key picks its partition, each consumer group keeps
its own committed offsets and resumes from them, and nothing is removed when read. It
lives as long as the process: the embedded mode's outbox and processed-messages tables
are what make a restart safe, exactly as with Kafka.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import defaultdict

from shared.bus.base import Message, Record, event_id_of


def partition_for(key: bytes, partitions: int) -> int:
    return zlib.crc32(key) % partitions


class InMemoryBus:
    def __init__(self, default_partitions: int = 3) -> None:
        self._default_partitions = default_partitions
        self._topics: dict[str, list[list[Message]]] = {}
        self._committed: dict[tuple[str, str, int], int] = defaultdict(int)
        # One wake-up event per subscriber (no shared lock: a cancelled waiter cannot wedge it).
        self._wakeups: set[asyncio.Event] = set()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def ensure_topics(self, topics: list[str], partitions: int) -> None:
        for t in topics:
            self._topics.setdefault(t, [[] for _ in range(partitions)])

    def _partitions(self, topic: str) -> list[list[Message]]:
        # Like a broker with auto-creation off would refuse, but the embedded mode
        # creates topics lazily so a test can publish to a fresh name.
        return self._topics.setdefault(topic, [[] for _ in range(self._default_partitions)])

    async def publish(self, records: list[Record]) -> None:
        for r in records:
            parts = self._partitions(r.topic)
            p = partition_for(r.key, len(parts))
            parts[p].append(Message(r.topic, p, len(parts[p]), r.key, r.value, tuple(r.headers)))
        for wakeup in self._wakeups:
            wakeup.set()

    def messages(self, topic: str) -> list[Message]:
        """Everything on a topic, partition by partition (for tests and replays)."""
        return [m for part in self._partitions(topic) for m in part]

    def subscriber(self, group: str, topics: list[str]) -> InMemorySubscriber:
        return InMemorySubscriber(self, group, topics)

    async def recent_event_ids(self, topics: list[str], per_partition: int) -> set[str]:
        recent = (m for t in topics for part in self._partitions(t) for m in part[-per_partition:])
        return {i for m in recent if (i := event_id_of(m.value)) is not None}


class InMemorySubscriber:
    def __init__(self, bus: InMemoryBus, group: str, topics: list[str]) -> None:
        self._bus = bus
        self._group = group
        self._topics = topics
        # Position of the next record to hand out, per (topic, partition).
        self._position: dict[tuple[str, int], int] = {}
        self._paused: set[tuple[str, int]] = set()
        self._wakeup = asyncio.Event()

    async def start(self) -> None:
        self._bus._wakeups.add(self._wakeup)
        for t in self._topics:
            for p in range(len(self._bus._partitions(t))):
                self._position[(t, p)] = self._bus._committed[(self._group, t, p)]

    async def stop(self) -> None:
        self._bus._wakeups.discard(self._wakeup)

    def _pending(self, limit: int = 500) -> list[Message]:
        out: list[Message] = []
        for t in self._topics:
            for p, part in enumerate(self._bus._partitions(t)):
                if (t, p) in self._paused:
                    continue
                pos = self._position.setdefault((t, p), self._bus._committed[(self._group, t, p)])
                if pos < len(part):
                    batch = part[pos : pos + limit]
                    out.extend(batch)
                    self._position[(t, p)] = pos + len(batch)
        return out

    async def fetch(self, timeout_s: float) -> list[Message]:
        # Clear before looking, so a publish after the look still wakes the wait below.
        self._wakeup.clear()
        batch = self._pending()
        if batch:
            return batch
        try:
            await asyncio.wait_for(self._wakeup.wait(), timeout_s)
        except TimeoutError:
            return []
        return self._pending()

    async def commit(self, message: Message) -> None:
        key = (self._group, message.topic, message.partition)
        self._bus._committed[key] = max(self._bus._committed[key], message.offset + 1)

    async def rewind(self, message: Message) -> None:
        self._position[(message.topic, message.partition)] = message.offset

    async def pause(self, topic: str, partition: int) -> None:
        self._paused.add((topic, partition))

    async def resume(self, topic: str, partition: int) -> None:
        self._paused.discard((topic, partition))
        self._wakeup.set()  # what arrived meanwhile is waiting

    async def lag(self) -> dict[tuple[str, int], int]:
        """Records not yet handed out, per (topic, partition)."""
        return {(t, p): len(self._bus._partitions(t)[p]) - pos for (t, p), pos in self._position.items()}
