"""The thin slice on the multi-process stack: each service its own process, with its own
relay and consumers, on the real PostgreSQL and the real Kafka broker."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest

from shared.events.demand import DemandSubmitted
from shared.testing import (
    kafka_bootstrap,
    wait_for,
)
from tests.e2e.conftest import running_stack
from tests.e2e.slice import run_thin_slice


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[dict[str, Any]]:
    async with running_stack() as running:
        yield running


async def test_thin_slice_on_the_multi_process_stack(stack: dict[str, Any]) -> None:
    result = await run_thin_slice(stack["gateway"])
    stack["slice"] = result


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat (Debian package) is not installed")
async def test_an_independent_client_reads_demand_submitted(stack: dict[str, Any]) -> None:
    """Debian's kcat (librdkafka, no Python of ours) reads the event and its CloudEvents attributes."""
    if "slice" not in stack:
        stack["slice"] = await run_thin_slice(stack["gateway"])
    demand_id = stack["slice"]["demand"]["id"]

    async def found() -> dict[str, Any] | None:
        proc = await asyncio.create_subprocess_exec(
            "kcat",
            "-b",
            kafka_bootstrap(),
            "-C",
            "-t",
            stack["topics"]["demand"],
            "-o",
            "beginning",
            "-e",
            "-q",
            "-J",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        for line in out.decode().splitlines():
            record = json.loads(line)
            if record.get("key") == demand_id:
                event = json.loads(record["payload"])
                if event["type"] == DemandSubmitted.ce_type():
                    return {"record": record, "event": event}
        return None

    got = await wait_for(found, timeout_s=30, interval_s=0.5, what="kcat to read DemandSubmitted")
    event, record = got["event"], got["record"]
    assert event["specversion"] == "1.0"
    assert event["source"] == "/itp/demand"
    assert event["subject"] == demand_id
    assert event["datacontenttype"] == "application/json"
    assert event["time"].endswith("Z")
    assert event["data"]["demand_id"] == demand_id
    assert event["data"]["budget"] == "2500000.00"
    assert event["traceparent"].startswith("00-")
    headers = dict(zip(record["headers"][::2], record["headers"][1::2], strict=True))
    assert headers["content-type"].startswith("application/cloudevents+json")
    assert headers["traceparent"] == event["traceparent"]
