"""The live event stream: in-process fan-out from the projection consumer to browsers.

The consumer announces each event it applied; the announcement is held until the unit of work
has committed (so a browser that re-reads the KPIs on an event sees that event counted), then
the ``Broadcaster`` puts one pre-rendered Server-Sent Event into the bounded queue of every
subscriber whose filter matches. A subscriber that does not keep up loses events (counted, and
told so with a comment on its stream) instead of growing the server's memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from services.dashboard.domain import Audience, short_type, sse_comment, sse_frame, stream_view
from shared import metrics
from shared.events.envelope import Envelope
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.visibility import Sight

log = logging.getLogger(__name__)

HEARTBEAT = sse_comment("heartbeat")


@dataclass(eq=False)
class Subscription:
    types: frozenset[str] | None
    audience: Audience
    queue: asyncio.Queue[bytes]
    dropped: int = 0
    delivered: int = 0


@dataclass
class StreamStats:
    published: int = 0
    delivered: int = 0
    dropped: int = 0
    subscribers: int = 0


@dataclass
class Broadcaster:
    queue_size: int = 256
    heartbeat_s: float = 15.0
    max_subscribers: int = 1000
    stats: StreamStats = field(default_factory=StreamStats)
    _subscriptions: set[Subscription] = field(default_factory=set)

    def subscribe(self, types: frozenset[str] | None, audience: Audience) -> Subscription:
        sub = Subscription(types, audience, asyncio.Queue(self.queue_size))
        self._subscriptions.add(sub)
        self.stats.subscribers = len(self._subscriptions)
        metrics.DASHBOARD_SUBSCRIBERS.inc()
        return sub

    @property
    def full(self) -> bool:
        return len(self._subscriptions) >= self.max_subscribers

    def unsubscribe(self, sub: Subscription) -> None:
        if sub in self._subscriptions:
            metrics.DASHBOARD_SUBSCRIBERS.dec()
        self._subscriptions.discard(sub)
        self.stats.subscribers = len(self._subscriptions)

    def publish(self, envelope: Envelope, *, seen: Sight = Sight.FULL) -> int:
        """Offer the event to every matching subscriber without waiting; returns how many got it.

        ``seen``: what a dashboard viewer sees of the demand the event is about; with ``NONE``
        (not published yet) viewers are not offered the event at all."""
        event_type = short_type(envelope.type)
        frames: dict[Audience, bytes] = {}  # rendered once per audience, not once per subscriber
        delivered = 0
        self.stats.published += 1
        for sub in self._subscriptions:
            if sub.types is not None and event_type not in sub.types:
                continue
            if sub.audience is Audience.VIEWER and seen is Sight.NONE:
                continue
            frame = frames.get(sub.audience)
            if frame is None:
                frame = frames[sub.audience] = render(envelope, event_type, sub.audience, seen)
            try:
                sub.queue.put_nowait(frame)
            except asyncio.QueueFull:
                sub.dropped += 1
                self.stats.dropped += 1
                continue
            sub.delivered += 1
            delivered += 1
        self.stats.delivered += delivered
        return delivered

    async def stream(self, types: frozenset[str] | None, audience: Audience) -> AsyncGenerator[bytes, None]:
        """The body of one ``text/event-stream`` response.

        It subscribes when the response starts (the ``: connected`` comment says so) and
        unsubscribes when the client goes, also when it goes before the first byte."""
        sub = self.subscribe(types, audience)
        try:
            yield b"retry: 3000\n" + sse_comment("connected")
            reported = 0
            while True:
                try:
                    async with asyncio.timeout(self.heartbeat_s):
                        first = await sub.queue.get()
                except TimeoutError:
                    yield HEARTBEAT
                    continue
                chunks = [first]
                while not sub.queue.empty():  # whatever else is waiting goes out in the same write
                    chunks.append(sub.queue.get_nowait())
                if sub.dropped != reported:
                    chunks.insert(0, sse_comment(f"dropped {sub.dropped - reported} events: this client is too slow"))
                    reported = sub.dropped
                yield b"".join(chunks)
        finally:
            self.unsubscribe(sub)


def render(envelope: Envelope, event_type: str, audience: Audience, seen: Sight) -> bytes:
    payload = {
        "type": event_type,
        "subject": envelope.subject,
        "time": envelope.time.isoformat().replace("+00:00", "Z") if envelope.time else None,
        "data": stream_view(event_type, envelope.data, audience, seen=seen),
    }
    return sse_frame(envelope.id, event_type, payload)


# -- announcing after the commit -------------------------------------------------------------

_announcements: ContextVar[list[tuple[Envelope, Sight]] | None] = ContextVar("dashboard_announcements", default=None)


def announce(envelope: Envelope, *, seen: Sight) -> None:
    """Called by a handler: broadcast ``envelope`` once the current unit of work commits.

    Outside an announcing unit of work (a rebuild, a test calling a handler) it does nothing:
    replaying history must not flood the browsers."""
    pending = _announcements.get()
    if pending is not None:
        pending.append((envelope, seen))


def announcing() -> bool:
    """Whether what is announced now is broadcast (inside an announcing unit of work)."""
    return _announcements.get() is not None


class AnnouncingUnitOfWorkFactory(UnitOfWorkFactory):
    """The service's unit of work, plus: what the handlers announced is broadcast after the
    commit, and dropped if the transaction rolls back (a retried event is announced once)."""

    def __init__(self, inner: UnitOfWorkFactory, broadcaster: Broadcaster) -> None:
        super().__init__(inner.engine, inner.outbox, source=inner.source, signal=inner.signal)
        self.broadcaster = broadcaster

    @asynccontextmanager
    async def __call__(
        self, traceparent: str | None = None, *, occurred_at: datetime | None = None
    ) -> AsyncIterator[UnitOfWork]:
        pending: list[tuple[Envelope, Sight]] = []
        token = _announcements.set(pending)
        try:
            async with super().__call__(traceparent, occurred_at=occurred_at) as uow:
                yield uow
        finally:
            _announcements.reset(token)
        for envelope, seen in pending:
            try:
                self.broadcaster.publish(envelope, seen=seen)
            except Exception:  # the stream is best effort; the projection is committed either way
                log.exception("could not broadcast %s %s", envelope.type, envelope.id)
