"""Curation requests go before consumed events: the consumer waits for a request in flight
before its next event, but never for long."""

from __future__ import annotations

import asyncio

from services.matching.service import RequestsFirst


async def test_the_consumer_applies_its_next_event_once_the_request_in_flight_is_answered() -> None:
    gate = RequestsFirst(max_wait_s=60)
    order: list[str] = []

    async def next_event() -> None:
        await gate.wait()
        order.append("event")

    async with gate.request():
        event = asyncio.create_task(next_event())
        for _ in range(5):
            await asyncio.sleep(0)  # the consumer runs meanwhile, and waits
        order.append("request answered")
    await asyncio.wait_for(event, 60)
    assert order == ["request answered", "event"]


async def test_the_consumer_waits_no_longer_than_its_bound() -> None:
    gate = RequestsFirst(max_wait_s=0.01)
    async with gate.request():
        await asyncio.wait_for(gate.wait(), 60)  # returns while the request is still in flight


async def test_without_requests_in_flight_the_consumer_does_not_wait() -> None:
    gate = RequestsFirst(max_wait_s=60)
    await asyncio.wait_for(gate.wait(), 60)
