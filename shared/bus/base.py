"""What the outbox relay and the consumers need from a bus, and nothing more."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Record:
    """A record to publish."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class Message:
    """A record as consumed, with where it came from."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()

    def header(self, name: str) -> bytes | None:
        for k, v in self.headers:
            if k == name:
                return v
        return None


class Subscriber(Protocol):
    """A member of a consumer group reading some topics."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def fetch(self, timeout_s: float) -> list[Message]:
        """Next messages in partition order; an empty list when none arrived in time."""
        ...

    async def commit(self, message: Message) -> None:
        """Commit the offset after ``message`` for its partition (the group resumes there)."""
        ...

    async def rewind(self, message: Message) -> None:
        """Deliver ``message`` (and what follows it in its partition) again."""
        ...

    async def pause(self, topic: str, partition: int) -> None:
        """Deliver nothing more from this partition until :meth:`resume` (the others go on)."""
        ...

    async def resume(self, topic: str, partition: int) -> None: ...


class Bus(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, records: list[Record]) -> None:
        """Publish in order and return once the broker acknowledged every record."""
        ...

    def subscriber(self, group: str, topics: list[str]) -> Subscriber: ...

    async def ensure_topics(self, topics: list[str], partitions: int) -> None: ...

    async def recent_event_ids(self, topics: list[str], per_partition: int) -> set[str]:
        """The CloudEvents ids among the last ``per_partition`` records of each partition of
        ``topics`` (what the relay checks before sending again what it may have sent)."""
        ...


def event_id_of(value: bytes | None) -> str | None:
    """The ``id`` of a record that is a CloudEvent (structured JSON mode), else None."""
    try:
        doc = json.loads(value or b"")
    except ValueError:
        return None
    ident = doc.get("id") if isinstance(doc, dict) else None
    return ident if isinstance(ident, str) else None
