"""The live dashboard in a real browser: Debian's chromium, headless, driven by playwright-core.

The dashboard service runs on a fresh PostgreSQL database with its real Kafka consumer; the
demand service runs next to it with its relay. The page is opened with a dashboard viewer's
token, the submitted counter is read, a demand is submitted and published through the demand
service's API, and the counter on the page must move and the demand's publication appear in the
list, named by its title (bounded waits; a viewer sees a demand from its publication on); the charts are
drawn and the period picker re-reads the KPIs. The screenshot goes to test-output/dashboard.png.

Needs, besides PostgreSQL and Kafka:  apt-get install -y chromium  and  cd tests/browser && npm ci
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.dashboard.main import PROJECTION_CONSUMER
from services.dashboard.tests.support import isolated_definition, position_group_at_end, serving
from services.demand.main import definition as demand_definition
from shared.bus.kafka import KafkaBus
from shared.events import topics
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import (
    auth_headers,
    create_database,
    drop_database,
    kafka_bootstrap,
    migrated_template,
    token_for,
    unique,
)
from tests.e2e.slice import demand_body, new_credit_code

HERE = Path(__file__).parent
REPO = HERE.parent.parent
CHROMIUM = Path(os.environ.get("ITP_CHROMIUM", "/usr/bin/chromium"))
DRIVER = HERE / "node_modules" / "playwright-core"
SCREENSHOT = REPO / "test-output" / "dashboard.png"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} missing: apt-get install -y chromium"),
    pytest.mark.skipif(shutil.which("node") is None, reason="node missing: apt-get install -y nodejs npm"),
    pytest.mark.skipif(not DRIVER.exists(), reason="playwright-core missing: cd tests/browser && npm ci"),
]


@pytest.fixture
async def databases(_drop_templates: None) -> AsyncIterator[dict[str, str]]:
    from services.dashboard.main import definition as dashboard_definition

    names, urls = {}, {}
    for service, definition in (("dashboard", dashboard_definition), ("demand", demand_definition)):
        names[service] = unique(f"itp_browser_{service}")
        urls[service] = await create_database(
            names[service], template=await migrated_template(service, definition.migrations)
        )
    yield urls
    for name in names.values():
        await drop_database(name)


async def read_json_line(stream: asyncio.StreamReader, timeout_s: float) -> dict[str, Any]:
    line = await asyncio.wait_for(stream.readline(), timeout_s)
    assert line, "the browser driver ended without answering"
    doc: dict[str, Any] = json.loads(line)
    assert "error" not in doc, doc["error"]
    return doc


async def test_submitting_a_demand_moves_the_counter_on_the_page(databases: dict[str, str]) -> None:
    bootstrap = kafka_bootstrap()
    dashboard = isolated_definition()  # the real topics, a consumer group of its own...
    group = f"itp-dashboard-{dashboard.consumers[0].name}"
    assert dashboard.consumers[0].name.startswith(PROJECTION_CONSUMER)
    await position_group_at_end(bootstrap, group, topics.ALL)  # ...starting after what other runs left there
    # The demand service with its relay but without its consumer, which would join the shared group.
    demand = dataclasses.replace(demand_definition, consumers=[])

    dashboard_bus = KafkaBus(bootstrap, client_id="itp-dashboard-browser-test")
    demand_bus = KafkaBus(bootstrap, client_id="itp-demand-browser-test")
    dashboard_app = create_service_app(
        dashboard,
        ServiceSettings(env="test", service_name="dashboard", mode="kafka", database_url=databases["dashboard"]),
        dashboard_bus,
    )
    demand_app = create_service_app(
        demand,
        ServiceSettings(env="test", service_name="demand", mode="kafka", database_url=databases["demand"]),
        demand_bus,
    )
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    try:
        seen, before = await drive_the_page(dashboard_app, demand_app)
    finally:
        await dashboard_bus.stop()
        await demand_bus.stop()

    assert seen["submitted"] > before
    assert seen["event_seen"] is True
    assert "需求发布" in seen["event_text"] and "高精度MEMS压力传感器封装" in seen["event_text"]
    assert "token=" not in seen["url"]  # the page moved its token out of the address bar
    # The pictures: the funnel's five stages, monthly trend lines, money columns, the demand's province.
    assert seen["charts"]["funnel"] == 5 and seen["charts"]["trends"] == 3 and seen["charts"]["money"] >= 2
    assert "江苏" in seen["charts"]["province"]
    assert (seen["charts"]["funds"], seen["charts"]["fund_capital"]) == ("0", "¥0.00")  # no fund on this database
    assert seen["period_picked"] is True
    assert seen["console_errors"] == []
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def drive_the_page(dashboard_app: Any, demand_app: Any) -> tuple[dict[str, Any], int]:
    """Open the page, read the counter, submit a demand through the API, wait for the page to show it."""
    async with (
        serving(dashboard_app) as dashboard_url,
        demand_app.router.lifespan_context(demand_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(demand_app), base_url="http://demand", headers=auth_headers("operator")
        ) as api,
    ):
        driver = await asyncio.create_subprocess_exec(
            "node",
            str(HERE / "dashboard.mjs"),
            cwd=HERE,
            env={
                **os.environ,
                "DASHBOARD_URL": dashboard_url,
                "DASHBOARD_TOKEN": token_for("dashboard_viewer", subject="browser-test"),
                "SCREENSHOT": str(SCREENSHOT),
                "CHROMIUM": str(CHROMIUM),
                "WAIT_MS": "30000",
            },
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert driver.stdin is not None and driver.stdout is not None
        try:
            ready = await read_json_line(driver.stdout, 60)
            assert ready["ready"] is True
            before = ready["submitted"]

            r = await api.post(
                "/api/v1/enterprises",
                json={
                    "name_zh": "无锡微纳传感科技有限公司",
                    "credit_code": new_credit_code(),
                    "province": "江苏",
                    "city": "无锡",
                    "industry_code": "C39",
                    "size": "medium",
                    "contacts": [{"name": "陈工"}],
                },
            )
            assert r.status_code == 201, r.text
            r = await api.post("/api/v1/demands", json=demand_body(r.json()["id"], title="高精度MEMS压力传感器封装"))
            assert r.status_code == 201, r.text
            demand_id = r.json()["id"]
            r = await api.post(f"/api/v1/demands/{demand_id}/publish")
            assert r.status_code == 200, r.text

            driver.stdin.write(json.dumps({"demand_id": demand_id}).encode() + b"\n")
            await driver.stdin.drain()
            seen = await read_json_line(driver.stdout, 60)
            assert await asyncio.wait_for(driver.wait(), 30) == 0
        finally:
            if driver.returncode is None:
                driver.kill()
                await driver.wait()

    return seen, before
