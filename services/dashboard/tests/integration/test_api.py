"""The dashboard's HTTP API, served by uvicorn: who may read the KPIs and the stream, the stream's
filter, wire format, redaction, heartbeats and timing, and the page."""

from __future__ import annotations

import csv as csv_module
import io
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.dashboard.handlers import build_handlers
from services.dashboard.live import Broadcaster
from services.dashboard.service import Projection
from services.dashboard.tests import scenario
from services.dashboard.tests.support import envelope, isolated_definition, message, serving, sse
from shared.bus.memory import InMemoryBus
from shared.consumer import EventConsumer
from shared.events import demand as dm
from shared.events import matching as mt
from shared.events import talent as tl
from shared.events.envelope import Envelope
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import auth_headers, token_for, wait_for

EVENTS = "/api/v1/dashboard/events"
KPIS = "/api/v1/dashboard/kpis"
ENTERPRISE = uuid.uuid4()


@dataclass
class Served:
    app: FastAPI
    url: str
    client: httpx.AsyncClient

    @property
    def consumer(self) -> EventConsumer:
        consumer: EventConsumer = self.app.state.runtime.consumers[0]
        return consumer

    @property
    def broadcaster(self) -> Broadcaster:
        broadcaster: Broadcaster = self.app.state.runtime.state["broadcaster"]
        return broadcaster

    async def deliver(self, env: Envelope) -> str:
        """Hand the event to the service's own projection consumer, as its bus would."""
        return await self.consumer.process(message(env))


@pytest.fixture
async def served(dashboard_db: str) -> AsyncIterator[Served]:
    # The consumer loop is not started: each test delivers its events itself (deterministic).
    settings = ServiceSettings(env="test", service_name="dashboard", database_url=dashboard_db)
    app = create_service_app(isolated_definition(), settings, InMemoryBus(), background=False)
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as client:
        yield Served(app, url, client)


def submitted(*, confidential: bool = False, budget: str = "800000.00") -> dm.DemandSubmitted:
    return dm.DemandSubmitted(
        demand_id=uuid.uuid4(),
        enterprise_id=ENTERPRISE,
        title="高精度MEMS传感器封装工艺",
        description="机密细节：晶圆级真空封装的良率问题" if confidential else "公开说明",
        fields=["it.sensors"],
        keywords=["MEMS"],
        demand_type="technology_development",
        budget=Decimal(budget),
        city="无锡",
        confidentiality="confidential" if confidential else "public",
        submitted_at=scenario.at(6, 1),
    )


def published(sub: dm.DemandSubmitted) -> dm.DemandPublished:
    return dm.DemandPublished(**sub.model_dump(exclude={"submitted_at", "currency"}), published_at=scenario.at(6, 2))


def data_of(event: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(event.data)
    return payload


# -- KPIs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "claims", "status"),
    [
        (("dashboard_viewer",), {}, 200),
        (("project_manager",), {}, 200),
        (("operator",), {}, 200),
        (("admin",), {}, 200),
        (("enterprise_user",), {"enterprise_id": ENTERPRISE}, 403),
        (("carrier_user",), {"carrier_id": uuid.uuid4()}, 403),
        ((), {}, 401),
    ],
)
async def test_who_may_read_the_kpis(
    served: Served, roles: tuple[str, ...], claims: dict[str, Any], status: int
) -> None:
    headers = auth_headers(*roles, **claims) if roles else {}
    r = await served.client.get(KPIS, headers=headers)
    assert r.status_code == status, r.text
    if status != 200:
        assert r.headers["content-type"].startswith("application/problem+json")


async def test_kpis_are_exact_strings_with_an_etag(served: Served) -> None:
    viewer = auth_headers("dashboard_viewer")
    sub = submitted(budget="1234567.89")
    await served.deliver(envelope(sub))
    await served.deliver(envelope(published(sub)))
    r = await served.client.get(KPIS, headers=viewer)
    body = r.json()
    assert body["funnel"]["submitted"] == 1
    assert body["money"] == {
        "currency": "CNY",
        "intended": "1234567.89",
        "contracted": "0.00",
        "paid": "0.00",
        "suppressed": [],
    }
    assert body["breakdowns"]["field"][0] == {
        "key": "it.sensors",
        "label": "传感器 Sensors",
        "submitted": 1,
        "published": 1,
        "matched": 0,
        "contracted": 0,
        "completed": 0,
        "intended": "1234567.89",
        "contracts": 0,
        "contracted_value": "0.00",
        "paid": "0.00",
        "suppressed": [],
    }
    tag = r.headers["etag"]
    assert (await served.client.get(KPIS, headers={**viewer, "If-None-Match": tag})).status_code == 304
    await served.deliver(envelope(submitted()))
    r2 = await served.client.get(KPIS, headers={**viewer, "If-None-Match": tag})
    assert r2.status_code == 200 and r2.json()["funnel"]["submitted"] == 2 and r2.headers["etag"] != tag


def in_center(sub: dm.DemandSubmitted, center: uuid.UUID) -> dm.DemandSubmitted:
    return sub.model_copy(update={"center_id": center})


async def test_viewers_never_see_an_intended_investment_of_fewer_than_k_confidential_demands(served: Served) -> None:
    """One confidential demand alone in its center (beside a public one), and two centers of public
    demands: a viewer may not read the secret budget from the center's row, nor from the total
    minus the other rows; a project manager sees every figure exactly."""
    alone, beside, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    secret = in_center(submitted(confidential=True, budget="4321987.65"), alone)
    await served.deliver(envelope(secret))
    for sub in (
        in_center(submitted(budget="100000.00"), alone),
        in_center(submitted(budget="200000.00"), beside),
        in_center(submitted(budget="300000.00"), other),
    ):
        await served.deliver(envelope(sub))
        await served.deliver(envelope(published(sub)))
    viewer = (await served.client.get(KPIS, headers=auth_headers("dashboard_viewer"))).json()
    pm = (await served.client.get(KPIS, headers=auth_headers("project_manager"))).json()
    assert "4321987.65" not in json.dumps(viewer) and "4421987.65" not in json.dumps(viewer)
    # Fewer than k confidential budgets in all: the total would give it away too.
    assert viewer["money"]["intended"] is None and viewer["money"]["suppressed"] == ["intended"]
    for dimension in ("center", "field", "month", "carrier", "project_manager"):
        rows = viewer["breakdowns"][dimension]
        hidden = [r for r in rows if r["suppressed"]]
        assert hidden and all(r["intended"] is None and r["suppressed"] == ["intended"] for r in hidden), dimension
    by_center = {r["key"]: r for r in viewer["breakdowns"]["center"]}
    assert by_center[str(beside)]["intended"] == "200000.00" and not by_center[str(beside)]["suppressed"]
    assert pm["money"]["intended"] == "4921987.65" and pm["money"]["suppressed"] == []
    assert {r["key"]: r["intended"] for r in pm["breakdowns"]["center"]}[str(alone)] == "4421987.65"


async def test_viewers_never_see_the_budget_of_a_demand_not_published_yet(served: Served) -> None:
    """A dashboard viewer does not see an unpublished demand (shared.visibility), its budget
    included: a row adding it up counts it as a hidden budget, as a confidential one."""
    pm = uuid.uuid4()
    draft = submitted(budget="7777777.77")
    await served.deliver(envelope(draft))
    made = tl.AssignmentMade(
        assignment_id=uuid.uuid4(),
        person_id=pm,
        target_type="demand",
        target_id=draft.demand_id,
        role="project_manager",
        made_at=scenario.at(6, 1),
    )
    await served.deliver(envelope(made))
    for sub in (submitted(budget="100000.00"), submitted(budget="200000.00")):
        await served.deliver(envelope(sub))
        await served.deliver(envelope(published(sub)))
    viewer = (await served.client.get(KPIS, headers=auth_headers("dashboard_viewer"))).json()
    assert "7777777.77" not in json.dumps(viewer) and "8077777.77" not in json.dumps(viewer)
    by_pm = {r["key"]: r for r in viewer["breakdowns"]["project_manager"]}
    assert by_pm[str(pm)]["intended"] is None and by_pm[str(pm)]["suppressed"] == ["intended"]
    staff = (await served.client.get(KPIS, headers=auth_headers("project_manager"))).json()
    assert {r["key"]: r["intended"] for r in staff["breakdowns"]["project_manager"]}[str(pm)] == "7777777.77"


async def test_kpis_count_what_happened_in_the_period_by_the_institutes_days(served: Served) -> None:
    """A demand submitted at 2026-03-31T16:30Z was submitted on 1 April in Jiangsu: April's KPIs and
    month count it, March's do not (the contracts' monthly totals say April too)."""
    staff = auth_headers("project_manager")
    march = submitted(budget="100000.00").model_copy(update={"submitted_at": datetime(2026, 3, 10, 9, tzinfo=UTC)})
    april = submitted(budget="200000.00").model_copy(update={"submitted_at": datetime(2026, 3, 31, 16, 30, tzinfo=UTC)})
    for sub in (march, april):
        await served.deliver(envelope(sub))
    every = (await served.client.get(KPIS, headers=staff)).json()
    assert every["funnel"]["submitted"] == 2
    assert [(r["key"], r["submitted"]) for r in every["breakdowns"]["month"]] == [("2026-03", 1), ("2026-04", 1)]
    r = await served.client.get(KPIS, params={"from": "2026-04-01", "to": "2026-04-30"}, headers=staff)
    body = r.json()
    assert body["funnel"]["submitted"] == 1 and body["money"]["intended"] == "200000.00"
    assert [r["key"] for r in body["breakdowns"]["month"]] == ["2026-04"]
    assert [r["submitted"] for r in body["breakdowns"]["field"]] == [1]
    r = await served.client.get(KPIS, params={"to": "2026-03-31"}, headers=staff)
    assert r.json()["money"]["intended"] == "100000.00"


@pytest.mark.parametrize(
    "params",
    [{"form": "2026-01-01"}, {"from": "2026-02-01", "to": "2026-01-01"}, {"from": "January"}, {"limit": "0"}],
)
async def test_kpis_refuse_unknown_or_wrong_query_parameters(served: Served, params: dict[str, str]) -> None:
    r = await served.client.get(KPIS, params=params, headers=auth_headers("dashboard_viewer"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_a_breakdown_pages_and_exports_as_csv_with_the_same_suppression(served: Served) -> None:
    centers = [uuid.uuid4() for _ in range(5)]
    for i, center in enumerate(centers):
        sub = in_center(submitted(budget=f"{i + 1}00000.00"), center)
        await served.deliver(envelope(sub))
        await served.deliver(envelope(published(sub)))
    secret = in_center(submitted(confidential=True, budget="4321987.65"), centers[0])
    await served.deliver(envelope(secret))
    viewer = auth_headers("dashboard_viewer")
    url = "/api/v1/dashboard/breakdowns/center"
    seen: list[str] = []
    cursor = None
    while True:
        r = await served.client.get(url, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=viewer)
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["total"] == 5 and len(page["items"]) <= 2
        seen += [row["key"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(str(c) for c in centers)
    csv = await served.client.get(url, headers={**viewer, "Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeffkey,label,submitted,")
    assert "4321987.65" not in text and "4421987.65" not in text
    rows = {row["key"]: row for row in csv_module.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    assert len(rows) == 5
    assert rows[str(centers[0])]["intended"] == "" and rows[str(centers[0])]["suppressed"] == "intended"
    assert rows[str(centers[4])]["intended"] == "500000.00"
    assert (await served.client.get(url, params={"format": "csv"}, headers=viewer)).content == csv.content
    bad = await served.client.get(url, params={"cursor": "nonsense"}, headers=viewer)
    assert bad.status_code == 400
    other = await served.client.get("/api/v1/dashboard/breakdowns/nothing", headers=viewer)
    assert other.status_code == 422


async def test_funds_are_counted_per_year_of_the_institute_and_export_as_csv(served: Served) -> None:
    s = scenario.build()
    for env in s.envelopes:
        if env.type.endswith(("FundEstablished.v1", "FundInvested.v1")):
            assert await served.deliver(env) == "applied"
    viewer = auth_headers("dashboard_viewer")
    r = await served.client.get("/api/v1/dashboard/funds", headers=viewer)
    assert r.status_code == 200, r.text
    # F1 was established on 1 Jan 2026 in China (31 Dec 2025 in UTC): it is 2026's.
    assert r.json()["items"] == [
        {
            "year": "2026",
            "funds": 2,
            "committed_capital": "150000000.00",
            "institute_commitment": "15000000.00",
            "social_capital": "135000000.00",
            "investments": 3,
            "invested": "1750000.50",
        }
    ]
    kpis = (await served.client.get(KPIS, headers=viewer)).json()
    assert kpis["funds"] == s.expected_funds()
    april = (await served.client.get(KPIS, params={"from": "2026-04-01", "to": "2026-04-30"}, headers=viewer)).json()
    assert (april["funds"]["funds"], april["funds"]["investments"], april["funds"]["invested"]) == (0, 2, "1250000.50")
    assert april["funds"]["leverage_ratio"] is None
    csv = await served.client.get("/api/v1/dashboard/funds", params={"format": "csv"}, headers=viewer)
    assert csv.headers["content-type"].startswith("text/csv")
    rows = list(csv_module.DictReader(io.StringIO(csv.content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows == [{k: str(v) for k, v in r.json()["items"][0].items()}]
    carrier = auth_headers("carrier_user", carrier_id=uuid.uuid4())
    assert (await served.client.get("/api/v1/dashboard/funds", headers=carrier)).status_code == 403


async def test_viewers_never_see_the_province_of_a_demand_they_may_not_see_in_full(served: Served) -> None:
    """A confidential demand's province is a hidden field (shared.visibility): in the province
    breakdown a viewer counts it as not attributed; staff see where it is."""
    secret = submitted(confidential=True).model_copy(update={"province": "机密省份标记"})
    unpublished = submitted().model_copy(update={"province": "未发布省份标记"})
    public = submitted().model_copy(update={"province": "江苏"})
    for sub in (secret, public):
        await served.deliver(envelope(sub))
        await served.deliver(envelope(published(sub)))
    await served.deliver(envelope(unpublished))
    viewer = await served.client.get(KPIS, headers=auth_headers("dashboard_viewer"))
    assert "机密省份标记" not in viewer.text and "未发布省份标记" not in viewer.text
    rows = {r["key"]: r["submitted"] for r in viewer.json()["breakdowns"]["province"]}
    assert rows == {"江苏": 1, None: 2}
    exported = await served.client.get(
        "/api/v1/dashboard/breakdowns/province", params={"format": "csv"}, headers=auth_headers("dashboard_viewer")
    )
    assert "机密省份标记" not in exported.content.decode("utf-8")
    staff = (await served.client.get(KPIS, headers=auth_headers("project_manager"))).json()
    assert {r["key"] for r in staff["breakdowns"]["province"]} == {"江苏", "机密省份标记", "未发布省份标记"}


async def test_recent_events_are_listed_newest_first(served: Served) -> None:
    first, second = envelope(submitted()), envelope(submitted())
    await served.deliver(first)
    await served.deliver(second)
    r = await served.client.get("/api/v1/dashboard/recent-events", headers=auth_headers("project_manager"))
    assert [e["id"] for e in r.json()["items"]] == [second.id, first.id]
    assert r.json()["items"][0]["type"] == "DemandSubmitted"


async def test_viewers_list_no_recent_event_about_a_demand_before_its_publication(served: Served) -> None:
    unpublished = submitted().model_copy(update={"title": "尚未发布的保密课题"})
    public = submitted().model_copy(update={"title": "公开的传感器封装需求"})
    events = [envelope(unpublished), envelope(public), envelope(published(public))]
    for env in events:
        await served.deliver(env)
    r = await served.client.get("/api/v1/dashboard/recent-events", headers=auth_headers("dashboard_viewer"))
    assert [e["id"] for e in r.json()["items"]] == [events[2].id, events[1].id]
    assert [e["label"] for e in r.json()["items"]] == ["公开的传感器封装需求"] * 2  # named by what it concerns
    assert str(unpublished.demand_id) not in r.text and "尚未发布" not in r.text
    staff = await served.client.get("/api/v1/dashboard/recent-events", headers=auth_headers("project_manager"))
    assert staff.json()["items"][-1]["label"] == "尚未发布的保密课题"
    r = await served.client.get(
        "/api/v1/dashboard/recent-events", headers=auth_headers("dashboard_viewer"), params={"limit": 1}
    )
    assert [e["id"] for e in r.json()["items"]] == [events[2].id]


# -- the stream: who ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "query", "status"),
    [
        ({}, {}, 401),
        ({}, {"access_token": "not-a-token"}, 401),
        (auth_headers("enterprise_user", enterprise_id=ENTERPRISE), {}, 403),
        (auth_headers("carrier_user", carrier_id=uuid.uuid4()), {}, 403),
        ({}, {"access_token": token_for("enterprise_user", enterprise_id=ENTERPRISE)}, 403),
        ({}, {"types": "DemandSubmited"}, 422),
    ],
)
async def test_the_stream_refuses(served: Served, headers: dict[str, str], query: dict[str, str], status: int) -> None:
    if status == 422:
        headers = auth_headers("dashboard_viewer")
    r = await served.client.get(EVENTS, headers=headers, params=query)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if status == 422:
        assert r.json()["unknown"] == ["DemandSubmited"]
        assert "DemandSubmitted" in r.json()["known_types"]


@pytest.mark.parametrize("role", ["dashboard_viewer", "project_manager", "operator", "admin"])
async def test_dashboard_viewers_and_above_may_stream_with_a_header_or_an_access_token(
    served: Served, role: str
) -> None:
    sub = submitted()
    await served.deliver(envelope(sub))
    env = envelope(published(sub))
    async with (
        sse(served.client, EVENTS, headers=auth_headers(role)) as by_header,
        sse(served.client, EVENTS, params={"access_token": token_for(role)}) as by_query,
    ):
        assert served.broadcaster.stats.subscribers == 2
        await served.deliver(env)
        for reader in (by_header, by_query):
            await reader.until(lambda r: r.events, what="the event")
            assert reader.events[0].id == env.id

    async def unsubscribed() -> bool:
        return served.broadcaster.stats.subscribers == 0

    await wait_for(unsubscribed, timeout_s=5, what="the closed streams to unsubscribe")


# -- the stream: what --------------------------------------------------------------------------


async def test_each_event_is_one_frame_with_the_cloudevent_id_its_type_and_compact_json(served: Served) -> None:
    sub = submitted()
    env = envelope(sub)
    async with sse(served.client, EVENTS, headers=auth_headers("operator")) as reader:
        assert reader.retry == 3000
        await served.deliver(env)
        await reader.until(lambda r: r.events, what="the event")
    event = reader.events[0]
    assert (event.id, event.event) == (env.id, "DemandSubmitted")
    assert "\n" not in event.data and ", " not in event.data  # compact, one line
    payload = data_of(event)
    assert set(payload) == {"type", "subject", "time", "data"}
    assert payload["type"] == "DemandSubmitted"
    assert payload["subject"] == str(sub.demand_id)
    assert payload["time"] == env.time.isoformat().replace("+00:00", "Z")  # type: ignore[union-attr]
    assert payload["data"] == json.loads(json.dumps(env.data))  # operators: the whole event
    assert payload["data"]["budget"] == "800000.00"


async def test_the_filter_delivers_only_the_types_asked_for(served: Served) -> None:
    sub = submitted()
    publication = envelope(published(sub))
    async with (
        sse(
            served.client, EVENTS, headers=auth_headers("project_manager"), params={"types": "DemandSubmitted"}
        ) as only,
        sse(
            served.client,
            EVENTS,
            headers=auth_headers("dashboard_viewer"),
            params={"types": "cn.jitri.itp.DemandPublished.v1,CarrierRegistered"},
        ) as other,
        sse(served.client, EVENTS, headers=auth_headers("project_manager")) as everything,
    ):
        first = envelope(sub)
        await served.deliver(first)
        await served.deliver(publication)
        last = envelope(submitted())
        await served.deliver(last)
        await everything.until(lambda r: len(r.events) == 3, what="all three events")
        await only.until(lambda r: len(r.events) == 2, what="both submissions")
        await other.until(lambda r: len(r.events) == 1, what="the publication")
    assert [e.event for e in everything.events] == ["DemandSubmitted", "DemandPublished", "DemandSubmitted"]
    assert [e.id for e in only.events] == [first.id, last.id]
    assert [e.id for e in other.events] == [publication.id]


async def test_confidential_demands_reach_viewers_as_teasers_and_personal_data_only_operators(served: Served) -> None:
    secret = submitted(confidential=True)
    person = tl.PersonRegistered(
        person_id=uuid.uuid4(),
        name="王研究员",
        roles=["researcher"],
        university="东南大学",
        fields=["it.sensors"],
        keywords=[],
        languages=["zh"],
        capacity=1,
        registered_at=scenario.at(6, 3),
    )
    async with (
        sse(served.client, EVENTS, headers=auth_headers("dashboard_viewer")) as viewer,
        sse(served.client, EVENTS, headers=auth_headers("project_manager")) as pm,
        sse(served.client, EVENTS, headers=auth_headers("operator")) as operator,
    ):
        await served.deliver(envelope(secret))
        await served.deliver(envelope(published(secret)))
        await served.deliver(envelope(person))
        for reader in (pm, operator):
            await reader.until(lambda r: len(r.events) == 3, what="the three events")
        await viewer.until(lambda r: len(r.events) == 2, what="the publication and the person")
    assert [e.event for e in viewer.events] == ["DemandPublished", "PersonRegistered"]
    v_demand, v_person = (data_of(e)["data"] for e in viewer.events)
    pm_demand, _, pm_person = (data_of(e)["data"] for e in pm.events)
    op_demand, _, op_person = (data_of(e)["data"] for e in operator.events)
    assert v_demand["title"] == secret.title and v_demand["teaser"] is True
    assert not {"description", "budget", "keywords", "city"} & set(v_demand)
    assert pm_demand["description"] == op_demand["description"] == secret.description
    assert "name" not in v_person and "university" not in v_person
    assert "name" not in pm_person and "university" not in pm_person
    assert (op_person["name"], op_person["university"]) == ("王研究员", "东南大学")


MARKERS = ("机密标记甲", "SECRETTERM", "7654321.09", "2031-07-19", "秘密城市", "secret.contact@example.com")


def confidential_story(demand_id: uuid.UUID) -> list[Any]:
    """Every event about a confidential demand that carries its hidden text, or text derived from it,
    with a marker planted in each."""
    description, term, budget, deadline, city, contact = MARKERS
    sub = submitted(confidential=True).model_copy(
        update={
            "demand_id": demand_id,
            "description": f"{description} {term}",
            "keywords": [term],
            "budget": Decimal(budget),
            "deadline": datetime.fromisoformat(f"{deadline}T00:00:00+00:00"),
            "city": city,
            "province": city,
        }
    )
    carrier, person = uuid.uuid4(), uuid.uuid4()
    ranked: dict[str, Any] = {"rank": 1, "score": 0.9, "components": {"text": 0.9}, "matched_terms": [term]}
    return [
        mt.MatchesSuggested(  # before its demand is known: fails closed
            demand_id=demand_id,
            suggestion_set_id=uuid.uuid4(),
            carriers=[mt.SuggestedCarrier(carrier_id=carrier, notes=[f"matched terms: {term}"], **ranked)],
            experts=[mt.SuggestedExpert(person_id=person, **ranked)],
            suggested_at=scenario.at(6, 1),
        ),
        sub,
        published(sub),
        dm.DemandUpdated(
            demand_id=demand_id,
            changed={"description": description, "budget": budget, "city": city, "contact": {"email": contact}},
            version=2,
            updated_at=scenario.at(6, 3),
        ),
        mt.MatchesSuggested(
            demand_id=demand_id,
            suggestion_set_id=uuid.uuid4(),
            carriers=[mt.SuggestedCarrier(carrier_id=carrier, notes=[f"matched terms: {term}"], **ranked)],
            suggested_at=scenario.at(6, 4),
        ),
        mt.MatchRejected(
            demand_id=demand_id,
            carrier_id=carrier,
            reason=mt.MatchReason(code="other", note=f"{term} is out of scope"),
            rejected_by="pm",
            rejected_at=scenario.at(6, 5),
        ),
        mt.AssignmentProposed(
            batch_id=uuid.uuid4(),
            proposals=[
                mt.ProposedDemand(
                    demand_id=demand_id, carrier_ids=[carrier], scores=[0.9], notes=[f"matched terms: {term}"]
                )
            ],
            unserved=[],
            total_score=0.9,
            proposed_at=scenario.at(6, 5),
        ),
        mt.MatchAccepted(
            match_id=uuid.uuid4(),
            demand_id=demand_id,
            carrier_id=carrier,
            enterprise_id=ENTERPRISE,
            accepted_by="pm",
            demand_title=sub.title,
            demand_type=sub.demand_type,
            budget=Decimal(budget),
            accepted_at=scenario.at(6, 6),
        ),
        dm.DemandWithdrawn(demand_id=demand_id, reason=f"{description} moved in house", withdrawn_at=scenario.at(6, 7)),
        dm.DemandExpired(
            demand_id=demand_id,
            deadline=datetime.fromisoformat(f"{deadline}T00:00:00+00:00"),
            expired_at=scenario.at(6, 8),
        ),
    ]


async def test_no_hidden_field_of_a_confidential_demand_reaches_a_viewer_on_the_stream(served: Served) -> None:
    story = confidential_story(uuid.uuid4())
    async with (
        sse(served.client, EVENTS, headers=auth_headers("dashboard_viewer")) as viewer,
        sse(served.client, EVENTS, headers=auth_headers("project_manager")) as pm,
    ):
        for event in story:
            await served.deliver(envelope(event))
        await pm.until(lambda r: len(r.events) == len(story), what="the whole story")
        # Before publication (and once withdrawn) the demand does not exist for a viewer.
        await viewer.until(lambda r: len(r.events) == len(story) - 4, what="the published part of the story")
    assert [type(e).__name__ for e in story if e.TYPE != "AssignmentProposed"][2:-2] == [
        e.event for e in viewer.events if e.event != "AssignmentProposed"
    ]
    seen = "\n".join(e.data for e in viewer.events)
    assert [m for m in MARKERS if m in seen] == []
    assert all(data_of(e)["data"].get("teaser") for e in viewer.events if e.event != "AssignmentProposed")
    # Project managers see every demand in full.
    staff = "\n".join(e.data for e in pm.events)
    assert all(m in staff for m in MARKERS)


async def test_an_event_is_streamed_after_its_commit_so_the_kpis_already_count_it(served: Served) -> None:
    viewer = auth_headers("project_manager")
    async with sse(served.client, EVENTS, headers=viewer, params={"types": "DemandSubmitted"}) as reader:
        for n in range(1, 6):
            await served.deliver(envelope(submitted()))
            await reader.until(lambda r, n=n: len(r.events) == n, what=f"event {n}")
            r = await served.client.get(KPIS, headers=viewer)
            assert r.json()["funnel"]["submitted"] == n


class BrokenProjection(Projection):
    def demand_submitted(self, *_: Any) -> None:
        raise RuntimeError("boom")


async def test_a_duplicate_or_a_failed_delivery_is_not_streamed(served: Served) -> None:
    env = envelope(submitted())
    async with sse(served.client, EVENTS, headers=auth_headers("operator")) as reader:
        assert await served.deliver(env) == "applied"
        assert await served.deliver(env) == "duplicate"

        # A handler that fails rolls its transaction back: nothing is announced for it (the
        # failure is not the event's: the consumer would hold the partition and retry it).
        working = served.consumer.handlers
        served.consumer.handlers = build_handlers(BrokenProjection())
        with pytest.raises(RuntimeError, match="boom"):
            await served.deliver(envelope(submitted()))
        served.consumer.handlers = working

        marker = envelope(submitted())
        await served.deliver(marker)
        await reader.until(lambda r: any(e.id == marker.id for e in r.events), what="the marker")
    assert [e.id for e in reader.events] == [env.id, marker.id]


async def test_viewers_get_no_event_about_a_demand_before_its_publication(served: Served) -> None:
    """A dashboard viewer sees a demand from its publication on (shared.visibility): no event about
    an unpublished one (its submission, edits, suggestions, assignments) reaches the viewer's
    stream, while the KPIs still count it."""
    draft = submitted()
    pm_id = uuid.uuid4()
    before = [
        draft,
        dm.DemandUpdated(demand_id=draft.demand_id, changed={"title": "改名"}, version=2, updated_at=scenario.at(6, 1)),
        mt.MatchesSuggested(
            demand_id=draft.demand_id, suggestion_set_id=uuid.uuid4(), carriers=[], suggested_at=scenario.at(6, 1)
        ),
        tl.AssignmentMade(
            assignment_id=uuid.uuid4(),
            person_id=pm_id,
            target_type="demand",
            target_id=draft.demand_id,
            role="project_manager",
            made_at=scenario.at(6, 1),
        ),
    ]
    publication = envelope(published(draft))
    viewer = auth_headers("dashboard_viewer")
    async with (
        sse(served.client, EVENTS, headers=viewer) as wall,
        sse(served.client, EVENTS, headers=auth_headers("project_manager")) as pm,
    ):
        for event in before:
            await served.deliver(envelope(event))
        await pm.until(lambda r: len(r.events) == len(before), what="every event")
        assert (await served.client.get(KPIS, headers=viewer)).json()["funnel"]["submitted"] == 1
        await served.deliver(publication)
        await wall.until(lambda r: r.events, what="the publication")
    assert [e.id for e in wall.events] == [publication.id]
    assert str(pm_id) not in "\n".join(e.data for e in wall.events)


async def test_heartbeats_keep_an_idle_stream_alive(served: Served) -> None:
    served.broadcaster.heartbeat_s = 0.1
    async with sse(served.client, EVENTS, headers=auth_headers("dashboard_viewer")) as reader:
        await reader.until(lambda r: r.comments.count("heartbeat") >= 2, timeout_s=5, what="two heartbeats")


async def test_a_slow_subscriber_loses_events_counted_and_is_told(served: Served) -> None:
    served.broadcaster.queue_size = 2
    operator = auth_headers("operator")
    async with sse(served.client, EVENTS, headers=auth_headers("dashboard_viewer")) as reader:
        sub = next(iter(served.broadcaster._subscriptions))
        # Fill its queue faster than the stream task can drain it: publish without yielding.
        burst = [envelope(submitted()) for _ in range(5)]
        for env in burst:
            served.broadcaster.publish(env)
        assert sub.dropped == 3 and sub.queue.qsize() == 2
        await reader.until(lambda r: len(r.events) == 2, what="the two queued events")
        await reader.until(lambda r: any(c.startswith("dropped 3 events") for c in r.comments), what="the note")
        stats = (await served.client.get("/api/v1/dashboard/stream-stats", headers=operator)).json()
    assert stats["dropped"] == 3 and stats["delivered"] == 2
    forbidden = await served.client.get("/api/v1/dashboard/stream-stats", headers=auth_headers("dashboard_viewer"))
    assert forbidden.status_code == 403


# -- the page ----------------------------------------------------------------------------------


async def test_the_page_and_its_script_are_served_without_a_token(served: Served) -> None:
    page = await served.client.get("/dashboard")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for element in ("kpi-submitted", "kpi-published", "kpi-matched", "kpi-contracted", "kpi-completed"):
        assert f'id="{element}"' in page.text
    for element in ("kpi-intended", "kpi-contracted-value", "kpi-paid", 'id="events"'):
        assert element in page.text
    assert "需求提交" in page.text and "Demands submitted" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    script = await served.client.get("/dashboard/dashboard.js")
    assert script.status_code == 200 and "EventSource" in script.text
