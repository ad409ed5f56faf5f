"""The thin slice on the multi-process stack: each service its own process, with its own
relay and consumers, on the real PostgreSQL and the real Kafka broker."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from itp.services import DATA_SERVICES, MIGRATED, migrations_dir
from shared.bus.kafka import KafkaBus
from shared.events import topics
from shared.events.demand import DemandSubmitted
from shared.testing import (
    auth_headers,
    create_database,
    drop_database,
    free_port,
    kafka_bootstrap,
    migrated_template,
    unique,
    wait_for,
)
from tests.e2e.slice import run_thin_slice


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[dict[str, Any]]:
    databases = {}
    # Its own topics and consumer groups: nothing left on the broker by other tests (or another
    # stack running at the same time) is read, and no group is shared.
    prefix = unique("itp_e2e")
    stack_topics = topics.for_prefix(prefix)
    bus = KafkaBus(kafka_bootstrap())
    await bus.ensure_topics([t for base in stack_topics.values() for t in (base, topics.dlq(base))], 3)
    env = {
        **os.environ,
        "ITP_MODE": "kafka",
        "ITP_ENV": "test",
        "ITP_KAFKA_BOOTSTRAP": kafka_bootstrap(),
        "ITP_TOPIC_PREFIX": prefix,
    }
    ports = {name: free_port() for name in (*DATA_SERVICES, "gateway")}
    for name in MIGRATED:  # the data services and the gateway's API keys
        db = unique(f"itp_e2e_{name}")
        env[f"ITP_{name.upper()}_DATABASE_URL"] = await create_database(
            db, template=await migrated_template(name, migrations_dir(name))
        )
        if name in DATA_SERVICES:
            env[f"ITP_{name.upper()}_URL"] = f"http://127.0.0.1:{ports[name]}"
        databases[name] = db
    procs = [
        subprocess.Popen(  # noqa: ASYNC220 - started once per module, before any request
            [sys.executable, "-m", "itp.cli", "serve", name, "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=None,
        )
        for name, port in ports.items()
    ]
    try:
        async with httpx.AsyncClient(timeout=5) as probe:

            async def all_ready() -> bool:
                for port in ports.values():
                    assert all(p.poll() is None for p in procs), "a service process exited"
                    try:
                        r = await probe.get(f"http://127.0.0.1:{port}/readyz")
                    except httpx.TransportError:
                        return False
                    if r.status_code != 200:
                        return False
                return True

            await wait_for(all_ready, timeout_s=180, interval_s=0.2, what="every service to be ready")
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{ports['gateway']}", timeout=10, headers=auth_headers("admin")
        ) as gateway:
            yield {"gateway": gateway, "ports": ports, "procs": procs, "topics": stack_topics}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        for db in databases.values():
            await drop_database(db)


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
