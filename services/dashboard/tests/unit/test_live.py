"""The in-process broadcaster: fan-out, filters, bounded queues, the stream body, heartbeats."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.dashboard import live
from services.dashboard.domain import Audience
from services.dashboard.handlers import platform_events, stream_types
from shared.events import demand as dm
from shared.events.envelope import Envelope
from shared.visibility import Sight


def submitted(confidential: bool = False) -> Envelope:
    event = dm.DemandSubmitted(
        demand_id=uuid.uuid4(),
        enterprise_id=uuid.uuid4(),
        title="标题",
        description="细节",
        fields=["ic.power"],
        keywords=[],
        demand_type="technology_development",
        confidentiality="confidential" if confidential else "public",
        submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return Envelope.wrap(event, source="/test", traceparent=None)


def published() -> Envelope:
    event = dm.DemandPublished(
        demand_id=uuid.uuid4(),
        enterprise_id=uuid.uuid4(),
        title="标题",
        description="细节",
        fields=["ic.power"],
        keywords=[],
        demand_type="technology_development",
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return Envelope.wrap(event, source="/test", traceparent=None)


def frames(sub: live.Subscription) -> list[bytes]:
    out = []
    while not sub.queue.empty():
        out.append(sub.queue.get_nowait())
    return out


async def test_every_matching_subscriber_gets_each_event() -> None:
    b = live.Broadcaster()
    everything = b.subscribe(None, Audience.FULL)
    only_published = b.subscribe(frozenset({"DemandPublished"}), Audience.VIEWER)
    first, second = submitted(), published()

    assert b.publish(first) == 1
    assert b.publish(second) == 2

    assert [f.split(b"\n")[0] for f in frames(everything)] == [f"id: {first.id}".encode(), f"id: {second.id}".encode()]
    assert [f.split(b"\n")[1] for f in frames(only_published)] == [b"event: DemandPublished"]
    assert (b.stats.published, b.stats.delivered, b.stats.dropped) == (2, 3, 0)


async def test_each_audience_gets_its_own_view_rendered_once() -> None:
    b = live.Broadcaster()
    viewers = [b.subscribe(None, Audience.VIEWER) for _ in range(3)]
    operator = b.subscribe(None, Audience.FULL)
    b.publish(submitted(confidential=True), seen=Sight.TEASER)
    viewer_frames = [frames(v)[0] for v in viewers]
    assert viewer_frames[0] is viewer_frames[1] is viewer_frames[2]  # the same bytes object: rendered once
    viewer_data = json.loads(viewer_frames[0].split(b"data: ")[1])["data"]
    operator_data = json.loads(frames(operator)[0].split(b"data: ")[1])["data"]
    assert "description" not in viewer_data and operator_data["description"] == "细节"


async def test_viewers_are_not_offered_an_event_about_a_demand_they_do_not_see() -> None:
    b = live.Broadcaster()
    viewer, pm, operator = (b.subscribe(None, a) for a in (Audience.VIEWER, Audience.STAFF, Audience.FULL))
    assert b.publish(submitted(), seen=Sight.NONE) == 2
    assert (len(frames(viewer)), len(frames(pm)), len(frames(operator))) == (0, 1, 1)


async def test_a_full_queue_drops_and_counts_instead_of_growing() -> None:
    b = live.Broadcaster(queue_size=2)
    slow = b.subscribe(None, Audience.FULL)
    fast = b.subscribe(None, Audience.FULL)
    for _ in range(5):
        b.publish(submitted())
        frames(fast)  # this one keeps up
    assert slow.queue.qsize() == 2 and slow.dropped == 3
    assert fast.dropped == 0 and fast.delivered == 5
    assert b.stats.dropped == 3


async def test_the_stream_body_says_connected_sends_events_and_notes_drops() -> None:
    b = live.Broadcaster(queue_size=1, heartbeat_s=30)
    body = b.stream(None, Audience.FULL)
    hello = await anext(body)
    assert hello == b"retry: 3000\n: connected\n\n"
    assert b.stats.subscribers == 1
    first, lost = submitted(), submitted()
    b.publish(first)
    b.publish(lost)  # the queue holds one: this one is dropped
    chunk = await asyncio.wait_for(anext(body), 1)
    assert chunk.startswith(b": dropped 1 events")
    assert f"id: {first.id}".encode() in chunk and lost.id.encode() not in chunk
    await body.aclose()
    assert b.stats.subscribers == 0


async def test_waiting_events_go_out_in_one_write() -> None:
    b = live.Broadcaster()
    body = b.stream(None, Audience.FULL)
    await anext(body)
    envs = [submitted() for _ in range(3)]
    for env in envs:
        b.publish(env)
    chunk = await asyncio.wait_for(anext(body), 1)
    assert [m.decode() for m in re.findall(rb"^id: (\S+)$", chunk, re.M)] == [e.id for e in envs]
    await body.aclose()


async def test_an_idle_stream_sends_heartbeats() -> None:
    b = live.Broadcaster(heartbeat_s=0.05)
    body = b.stream(None, Audience.FULL)
    await anext(body)
    assert await asyncio.wait_for(anext(body), 1) == b": heartbeat\n\n"
    await body.aclose()


async def test_a_cancelled_stream_unsubscribes() -> None:
    b = live.Broadcaster()
    body = b.stream(None, Audience.FULL)

    async def consume() -> None:
        async for _ in body:
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.01)
    assert b.stats.subscribers == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert b.stats.subscribers == 0


def test_announcing_outside_an_announcing_unit_of_work_does_nothing() -> None:
    live.announce(submitted(), seen=Sight.FULL)  # a rebuild: no broadcaster, no error


def test_the_page_labels_every_event_type_in_chinese_and_english() -> None:
    """The stream names events by type and the page listens per type: a type without a label
    would never show up on the page."""
    script = (Path(live.__file__).parent / "static" / "dashboard.js").read_text(encoding="utf-8")
    block = script[script.index("const TYPE_LABELS = {") : script.index("};", script.index("const TYPE_LABELS"))]
    labels = dict(re.findall(r'^\s+(\w+): "([^"]+)",$', block, re.M))
    assert set(labels) == stream_types()
    for name, label in labels.items():
        assert re.search(r"[\u4e00-\u9fff]", label) and re.search(r"[A-Za-z]{3}", label), name


def test_the_stream_offers_the_platform_events_only() -> None:
    modules = {cls.__module__ for cls in platform_events()}
    assert modules == {
        "shared.events.demand",
        "shared.events.talent",
        "shared.events.matching",
        "shared.events.contracts",
    }
    assert {"DemandSubmitted", "ContractSigned", "PaymentRecorded", "CarrierRegistered"} <= stream_types()
