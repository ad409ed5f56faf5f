"""A relay that keeps failing (an unmigrated database) logs with back-off: one traceback, then a
line now and then, and counts every failure in its metric."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from shared import metrics
from shared.bus.memory import InMemoryBus
from shared.db import create_engine
from shared.relay import OutboxRelay
from shared.testing import wait_for
from shared.tests.integration import kernel


async def test_an_unmigrated_database_gives_one_traceback_not_a_flood(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/unmigrated.db")  # no outbox table
    relay = OutboxRelay(engine, kernel.outbox, InMemoryBus(), service="unmigrated", poll_interval_s=0.001)

    def failures() -> float:
        return metrics.REGISTRY.get_sample_value("itp_relay_failures_total", {"service": "unmigrated"}) or 0.0

    before = failures()

    async def failed_four_times() -> bool:
        return failures() - before >= 4

    with caplog.at_level(logging.INFO, logger="shared.relay"):
        task = asyncio.create_task(relay.run())
        await wait_for(failed_four_times, timeout_s=20, what="the relay to fail four times")
        relay.stop()
        await asyncio.wait_for(task, 5)
    await engine.dispose()

    failed = failures() - before
    lines = [r for r in caplog.records if r.name == "shared.relay"]
    assert len(lines) < failed  # the 1st, 2nd and 4th failures: 3 lines for 4
    assert sum(1 for r in lines if r.exc_info) == 1
    assert "no such table" in lines[0].getMessage()
    assert "failed 4 times in a row" in lines[-1].getMessage()
    assert metrics.REGISTRY.get_sample_value("itp_relay_leader", {"service": "unmigrated"}) == 0
