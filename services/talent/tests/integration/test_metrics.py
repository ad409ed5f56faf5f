"""A data service answers /metrics on its own port: its requests by route template and its
outbox backlog, computed at scrape, going back to zero once the relay has published it."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.talent.tests.integration.helpers import TalentApp, create_carrier

pytestmark = pytest.mark.integration


async def _scrape(talent: TalentApp) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    talent.app.state.metrics_refresh.min_interval_s = 0  # every scrape recomputes, for the test
    async with talent.client() as c:
        r = await c.get("/metrics")
    assert r.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


async def test_outbox_backlog_and_requests_show_at_scrape(talent: TalentApp) -> None:
    await create_carrier(talent)  # its CarrierRegistered waits in the outbox: no relay runs here
    before = await _scrape(talent)
    pending = before[("itp_outbox_pending_events", (("service", "talent"),))]
    assert pending >= 1
    assert before[("itp_outbox_oldest_pending_age_seconds", (("service", "talent"),))] >= 0
    created = (
        "itp_http_requests_total",
        (("method", "POST"), ("route", "/api/v1/carriers"), ("service", "talent"), ("status", "201")),
    )
    assert before[created] >= 1

    published = 0
    while n := await talent.runtime.relay.publish_pending():
        published += n
    assert published >= pending
    after = await _scrape(talent)
    assert after[("itp_outbox_pending_events", (("service", "talent"),))] == 0
    assert after[("itp_outbox_oldest_pending_age_seconds", (("service", "talent"),))] == 0
    relayed = ("itp_relay_published_events_total", (("service", "talent"),))
    assert after[relayed] >= before.get(relayed, 0) + published
