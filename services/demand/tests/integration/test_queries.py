"""Listing demands on PostgreSQL: keyset pagination for every sort, every filter, and the
Chinese/English text query. The query is cut into terms (CJK bigrams, English stems); a demand
matches when it has every term of a one- or two-term query, and all but a third (rounded down)
of the terms of a longer one."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.demand.domain import Confidentiality, Demand, DemandStatus, DemandType
from services.demand.repository import DemandFilters, DemandRepository, Viewer
from services.demand.tests.integration.helpers import (
    OPERATOR,
    DemandApp,
    act,
    assert_problem,
    create_demand,
    enterprise_user,
    register_enterprise,
)
from shared.pagination import encode_cursor

pytestmark = pytest.mark.integration

SORT_KEYS = {
    "-created_at": ("created_at", True),
    "created_at": ("created_at", False),
    "deadline": ("deadline", False),
    "-budget": ("budget", True),
}


async def _list(demand: DemandApp, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    r = await demand.client.get("/api/v1/demands", params=params, headers=headers or OPERATOR)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _ids(demand: DemandApp, headers: dict[str, str] | None = None, **params: Any) -> set[str]:
    body = await _list(demand, headers, limit=100, **params)
    assert body["next_cursor"] is None
    return {item["id"] for item in body["items"]}


# -- pagination --------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def paging_set(demand: DemandApp) -> tuple[str, list[Demand]]:
    """15 demands of one enterprise with ties in created_at, deadline and budget, and NULL deadlines
    and budgets, inserted through the repository so the ties are exact."""
    ent = await register_enterprise(demand.client)
    base = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    rows: list[Demand] = []
    for i in range(15):
        d = Demand.create(
            now=base,
            submit=False,
            enterprise_id=uuid.UUID(ent["id"]),
            title=f"分页测试需求 {i}",
            description="用于验证游标分页在并列值与空值下不重不漏的测试需求描述文本。",
            fields=["materials.ceramics"],
            keywords=[],
            demand_type=DemandType.SERVICE,
            expected_outcome="测试报告",
            trl_current=None,
            trl_target=None,
            budget=None if i % 5 == 0 else Decimal(100000 * (i % 4 + 1)),
            deadline=None if i % 4 == 0 else base + timedelta(days=60 + i % 3),
            province="江苏",
            city="南京",
            center_id=None,
            contact={"name": "李工"},
            confidentiality=Confidentiality.PUBLIC,
        )
        created = base + timedelta(seconds=i // 3)  # three demands per timestamp
        rows.append(replace(d, status=DemandStatus.PUBLISHED, created_at=created, updated_at=created, events=[]))
    async with demand.runtime.uow() as uow:
        for d in rows:
            DemandRepository.add_demand(uow, d)
    return ent["id"], rows


def _expected_order(rows: list[Demand], sort: str) -> list[str]:
    attr, desc = SORT_KEYS[sort]
    present = [d for d in rows if getattr(d, attr) is not None]
    missing = [d for d in rows if getattr(d, attr) is None]
    present.sort(key=lambda d: (getattr(d, attr), d.id), reverse=desc)
    missing.sort(key=lambda d: d.id, reverse=desc)  # NULLs last, then by id in the sort's direction
    return [str(d.id) for d in present + missing]


@pytest.mark.parametrize("sort", list(SORT_KEYS))
@pytest.mark.parametrize("limit", [1, 4, 15])
async def test_cursor_walks_every_row_exactly_once_in_sort_order(
    demand: DemandApp, paging_set: tuple[str, list[Demand]], sort: str, limit: int
) -> None:
    enterprise_id, rows = paging_set
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"enterprise_id": enterprise_id, "sort": sort, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = await _list(demand, **params)
        pages += 1
        assert len(page["items"]) <= limit
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages <= len(rows), "the cursor does not advance"
    assert len(seen) == len(set(seen)), f"rows repeated across pages: {seen}"
    assert seen == _expected_order(rows, sort)
    assert pages == -(-len(rows) // limit)  # no trailing empty page


async def test_repository_pages_directly(demand: DemandApp, paging_set: tuple[str, list[Demand]]) -> None:
    """The repository itself: a page boundary inside a run of equal budgets loses and repeats nothing."""
    enterprise_id, rows = paging_set
    f = DemandFilters(enterprise_id=uuid.UUID(enterprise_id))
    async with demand.runtime.engine.connect() as conn:
        repo = DemandRepository(conn)
        first = await repo.list_demands(f, viewer=Viewer(staff=True), sort="-budget", after=None, limit=5)
        last = first[-1]
        rest = await repo.list_demands(
            f, viewer=Viewer(staff=True), sort="-budget", after=(last.budget, last.id), limit=100
        )
    assert [str(d.id) for d in first + rest] == _expected_order(rows, "-budget")


async def test_limit_above_100_is_422_and_100_is_allowed(demand: DemandApp) -> None:
    body = assert_problem(
        await demand.client.get("/api/v1/demands", params={"limit": 101}, headers=OPERATOR), 422, "validation-error"
    )
    assert [e["field"] for e in body["errors"]] == ["query.limit"]
    assert_problem(
        await demand.client.get("/api/v1/demands", params={"limit": 0}, headers=OPERATOR), 422, "validation-error"
    )
    r = await demand.client.get("/api/v1/demands", params={"limit": 100}, headers=OPERATOR)
    assert r.status_code == 200
    assert len(r.json()["items"]) <= 100


# Not base64, not JSON ("not json"), JSON but not a list ({"a": 1}).
@pytest.mark.parametrize("cursor", ["!!!", "abc", "bm90IGpzb24", "eyJhIjoxfQ"])
async def test_garbage_cursor_is_a_400_problem(demand: DemandApp, cursor: str) -> None:
    r = await demand.client.get("/api/v1/demands", params={"cursor": cursor}, headers=OPERATOR)
    assert_problem(r, 400, "bad-cursor")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/demands", {"cursor": encode_cursor(["2026-01-01T00:00:00+00:00"])}),
        ("/api/v1/demands", {"cursor": encode_cursor(["2026-01-01T00:00:00+00:00", "not-a-uuid"])}),
        (
            "/api/v1/demands",
            {"cursor": encode_cursor(["2026-01-01T00:00:00+00:00", str(uuid.uuid4())]), "sort": "-budget"},
        ),
        ("/api/v1/enterprises", {"cursor": encode_cursor(["x"])}),
    ],
    ids=["one-value", "bad-uuid", "cursor-of-another-sort", "enterprises"],
)
async def test_foreign_cursor_is_a_400_problem(demand: DemandApp, path: str, params: dict[str, str]) -> None:
    try:
        r = await demand.client.get(path, params=params, headers=OPERATOR)
    except Exception as exc:  # the in-process transport re-raises what became a 500
        pytest.fail(f"unhandled {type(exc).__name__}: {exc}")
    assert_problem(r, 400, "bad-cursor")


# -- filters ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def filter_set(demand: DemandApp) -> dict[str, Any]:
    c = demand.client
    e1 = await register_enterprise(c)
    e2 = await register_enterprise(c)
    r = await c.post(
        f"/api/v1/enterprises/{e1['id']}/centers",
        json={"name": "新能动力联合创新中心", "established_on": "2024-05-01", "committed_funding": "30000000.00"},
        headers=OPERATOR,
    )
    assert r.status_code == 201, r.text
    center = r.json()["id"]
    now = datetime.now(UTC).replace(microsecond=0)
    dl = {k: now + timedelta(days=k) for k in (40, 60, 90)}
    d1 = await create_demand(
        c, e1["id"], fields=["energy.batteries"], province="江苏", city="苏州", budget="1000000.00",
        deadline=dl[40].isoformat(), center_id=center,
    )  # fmt: skip
    await act(c, d1["id"], "publish")
    d2 = await create_demand(
        c, e1["id"], fields=["ic.power"], province="江苏", city="无锡", budget="5000000.00", deadline=dl[90].isoformat()
    )
    d3 = await create_demand(
        c, e1["id"], fields=["energy.batteries", "materials.nano"], province="浙江", city="杭州",
        budget=None, deadline=None, submit=False,
    )  # fmt: skip
    d4 = await create_demand(
        c, e1["id"], fields=["energy.solar"], province="江苏", city="苏州", budget="2000000.00",
        deadline=dl[60].isoformat(), center_id=center,
    )  # fmt: skip
    await act(c, d4["id"], "withdraw", headers=enterprise_user(e1["id"]), json={"reason": "预算调整"})
    d5 = await create_demand(c, e2["id"], fields=["energy.batteries"], budget="1000000.00")
    await act(c, d5["id"], "publish")
    return {
        "e1": e1["id"],
        "e2": e2["id"],
        "center": center,
        "now": now,
        **{name: d["id"] for name, d in {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5}.items()},
    }


def _names(s: dict[str, Any], ids: set[str]) -> set[str]:
    by_id = {v: k for k, v in s.items() if k.startswith("d")}
    return {by_id.get(i, i) for i in ids}


async def test_filter_by_enterprise(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    assert _names(s, await _ids(demand, enterprise_id=s["e1"])) == {"d1", "d2", "d3", "d4"}
    assert _names(s, await _ids(demand, enterprise_id=s["e2"])) == {"d5"}


async def test_filter_by_several_statuses(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], status=["published", "draft"])) == {"d1", "d3"}
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], status="withdrawn")) == {"d4"}
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], status="submitted")) == {"d2"}
    assert await _ids(demand, enterprise_id=s["e1"], status="closed") == set()


async def test_filter_by_field(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], field="energy.batteries")) == {"d1", "d3"}
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], field="materials.nano")) == {"d3"}
    assert await _ids(demand, enterprise_id=s["e1"], field="biomed.drugs") == set()
    # A parent field finds its children: energy covers energy.batteries and energy.solar.
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], field="energy")) == {"d1", "d3", "d4"}
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], field="materials")) == {"d3"}


async def test_filter_by_region(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], province="江苏")) == {"d1", "d2", "d4"}
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], city="苏州")) == {"d1", "d4"}
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], province="江苏", city="无锡")) == {"d2"}
    assert _names(s, await _ids(demand, enterprise_id=s["e1"], province="浙江", city="杭州")) == {"d3"}


async def test_filter_by_center(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    assert _names(s, await _ids(demand, center_id=s["center"])) == {"d1", "d4"}
    assert await _ids(demand, center_id=str(uuid.uuid4())) == set()


async def test_filter_by_budget_range_inclusive(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    e1 = s["e1"]
    assert _names(s, await _ids(demand, enterprise_id=e1, budget_min="1000000", budget_max="2000000")) == {"d1", "d4"}
    assert _names(s, await _ids(demand, enterprise_id=e1, budget_min="2000000.01")) == {"d2"}
    assert _names(s, await _ids(demand, enterprise_id=e1, budget_max="999999.99")) == set()
    # A demand without a budget matches no budget range.
    assert "d3" not in _names(s, await _ids(demand, enterprise_id=e1, budget_min="0"))


async def test_filter_by_deadline_range_inclusive(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    now: datetime = s["now"]
    e1 = s["e1"]
    frm, to = (now + timedelta(days=50)).isoformat(), (now + timedelta(days=90)).isoformat()
    assert _names(s, await _ids(demand, enterprise_id=e1, deadline_from=frm, deadline_to=to)) == {"d2", "d4"}
    exact = (now + timedelta(days=40)).isoformat()
    assert _names(s, await _ids(demand, enterprise_id=e1, deadline_from=exact, deadline_to=exact)) == {"d1"}
    # The same instant written with another offset is the same deadline.
    shanghai = (now + timedelta(days=40)).astimezone(ZoneInfo("Asia/Shanghai")).isoformat()
    assert _names(s, await _ids(demand, enterprise_id=e1, deadline_to=shanghai)) == {"d1"}


async def test_filters_combine(demand: DemandApp, filter_set: dict[str, Any]) -> None:
    s = filter_set
    got = await _ids(
        demand,
        enterprise_id=s["e1"],
        status=["published", "withdrawn", "submitted"],
        province="江苏",
        budget_max="2000000",
        sort="deadline",
    )
    assert _names(s, got) == {"d1", "d4"}


# -- text query -------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def text_set(demand: DemandApp) -> dict[str, str]:
    """Demands whose only distinguishing text is in their descriptions (the field chosen has
    labels, 陶瓷与无机非金属材料 / Ceramics and inorganic materials, that share no term with the queries)."""
    c = demand.client
    ent = await register_enterprise(c)
    common: dict[str, Any] = {"fields": ["materials.ceramics"], "keywords": [], "expected_outcome": "工艺包"}
    texts = {
        "contiguous": "开发车用固态电池的界面改性工艺，提升循环寿命与安全性能，实现规模化生产。",
        "split": "研究硫化物固态电解质的制备工艺，用于下一代锂电池，提高能量密度与安全性。",
        "no_solid": "研究固体电解质的制备工艺，用于下一代锂电池，提高能量密度与安全性。",
        "no_battery": "开发固态储能材料的制备工艺，提高能量密度与安全性，实现规模化生产。",
        "english": (
            "Develop sulfide electrolytes for solid-state Batteries in electric vehicles, with pilot-line coatings."
        ),
        "mixed": "面向储能电站的 battery 管理系统，集成固态 sensors 与云端监控平台，提升运维效率。",
        "solid_lithium": "研发车用固态锂电池的正极界面，提高循环寿命与安全性能，实现规模化生产。",
    }
    ids = {}
    for name, text in texts.items():
        d = await create_demand(c, ent["id"], title="陶瓷材料工艺需求", description=text, **common)
        ids[name] = d["id"]
    return {"enterprise": ent["id"], **ids}


async def _search(demand: DemandApp, s: dict[str, str], q: str, headers: dict[str, str] | None = None) -> set[str]:
    by_id = {v: k for k, v in s.items()}
    return {by_id[i] for i in await _ids(demand, headers, enterprise_id=s["enterprise"], q=q)}


async def test_chinese_query_matches_most_bigrams(demand: DemandApp, text_set: dict[str, str]) -> None:
    # 固态电池 -> 固态, 态电, 电池 (three terms: two must be indexed, anywhere in the text). It finds
    # 固态电池, 固态电解质 ... 锂电池 (all three) and 固态锂电池 (固态, 电池), but not text with only
    # 电池 (固体电解质 ... 锂电池), only 固态 (固态储能) or only 固态 and no 电池 (the mixed text).
    assert await _search(demand, text_set, "固态电池") == {"contiguous", "split", "solid_lithium"}
    # 固态电解质 -> 固态, 态电, 电解, 解质 (four terms: three needed).
    assert await _search(demand, text_set, "固态电解质") == {"split"}
    # One- and two-term queries need every term.
    assert await _search(demand, text_set, "电解质") == {"split", "no_solid"}
    assert await _search(demand, text_set, "锂电池") == {"split", "no_solid", "solid_lithium"}
    assert await _search(demand, text_set, "硫化物") == {"split"}
    assert await _search(demand, text_set, "固态") == {"contiguous", "split", "no_battery", "mixed", "solid_lithium"}
    # A function character splits the query like the text: 固态的电池 -> 固态, 电池 (both needed).
    assert await _search(demand, text_set, "固态的电池") == {"contiguous", "split", "solid_lithium"}
    assert await _search(demand, text_set, "钙钛矿") == set()


async def test_english_query_is_stemmed_and_case_insensitive(demand: DemandApp, text_set: dict[str, str]) -> None:
    assert await _search(demand, text_set, "battery") == {"english", "mixed"}
    assert await _search(demand, text_set, "Batteries") == {"english", "mixed"}
    assert await _search(demand, text_set, "ＢＡＴＴＥＲＹ") == {"english", "mixed"}  # full-width
    assert await _search(demand, text_set, "coating") == {"english"}
    assert await _search(demand, text_set, "solid-state electrolyte") == {"english"}
    assert await _search(demand, text_set, "graphene") == set()
    # Three terms: two are enough, one is not.
    assert await _search(demand, text_set, "sulfide electrolyte graphene") == {"english"}
    assert await _search(demand, text_set, "sulfide graphene perovskite") == set()


async def test_mixed_query_needs_every_term(demand: DemandApp, text_set: dict[str, str]) -> None:
    assert await _search(demand, text_set, "固态 battery") == {"mixed"}
    assert await _search(demand, text_set, "储能 sensor") == {"mixed"}
    assert await _search(demand, text_set, "固态 graphene") == set()


async def test_query_searches_title_keywords_outcome_and_field_labels(demand: DemandApp) -> None:
    c = demand.client
    ent = await register_enterprise(c)
    d = await create_demand(
        c, ent["id"], title="钠离子储能样机", keywords=["层状氧化物"], expected_outcome="中试线验证报告",
        fields=["biomed.diagnostics"],
    )  # fmt: skip
    for q in ("钠离子", "氧化物", "中试线", "体外诊断", "in-vitro diagnostics"):
        assert await _ids(demand, enterprise_id=ent["id"], q=q) == {d["id"]}, q


async def test_query_of_stop_words_only_finds_nothing(demand: DemandApp, text_set: dict[str, str]) -> None:
    assert await _search(demand, text_set, "the and of") == set()


async def test_text_query_pages_with_cursor(demand: DemandApp, text_set: dict[str, str]) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {
            "enterprise_id": text_set["enterprise"],
            "q": "固态",
            "limit": 1,
            "sort": "created_at",
        }
        if cursor:
            params["cursor"] = cursor
        page = await _list(demand, **params)
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [text_set[n] for n in ("contiguous", "split", "no_battery", "mixed", "solid_lithium")]
