"""Listing demands with filters and a text query over 100,000 demands.

Loads N demands (mixed Chinese/English, realistic fields and budgets) into a fresh demand
database, then times one page (limit 20) of ``GET /api/v1/demands`` through the demand
service's own app (routing, auth, query, serialisation) for several filter combinations,
as staff and as a carrier (whose text search must also honour confidentiality), and prints
p50/p99 per case plus the PostgreSQL plan of the heaviest query.

    .venv/bin/python -m bench.demand_listing [--demands 100000] [--rounds 200] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import orjson

from itp.services import definition
from services.demand.domain import Confidentiality, Demand, DemandStatus, DemandType, index_terms
from services.demand.main import definition as demand_definition
from shared.bus.memory import InMemoryBus
from shared.runtime import create_service_app
from shared.settings import ServiceSettings
from shared.testing import auth_headers, create_database, drop_database, drop_templates, migrated_template, unique

TOPICS_ZH = [
    ("固态锂电池电解质", "energy.batteries"),
    ("高镍正极材料包覆", "energy.batteries"),
    ("碳化硅功率模块封装", "ic.power"),
    ("模拟芯片低功耗设计", "ic.design"),
    ("碳纤维复合材料成型", "materials.composites"),
    ("工业废水零排放", "environment.water"),
    ("协作机器人视觉抓取", "manufacturing.robotics"),
    ("金属增材制造工艺", "manufacturing.additive"),
    ("体外诊断微流控芯片", "biomed.diagnostics"),
    ("氢燃料电池催化剂", "energy.hydrogen"),
    ("光伏组件封装材料", "energy.solar"),
    ("工业软件数字孪生", "it.software"),
]
TOPICS_EN = [
    ("solid-state battery electrolyte", "energy.batteries"),
    ("SiC MOSFET gate driver", "ic.power"),
    ("machine vision inspection", "it.ai"),
    ("membrane water treatment", "environment.water"),
    ("additive manufacturing of titanium parts", "manufacturing.additive"),
    ("LiDAR sensor fusion for autonomous driving", "automotive.autonomous"),
]
CITIES = [("江苏", "苏州"), ("江苏", "南京"), ("江苏", "常州"), ("江苏", "无锡"), ("浙江", "杭州"), ("上海", "上海")]
STATUSES = [DemandStatus.PUBLISHED] * 6 + [DemandStatus.SUBMITTED, DemandStatus.MATCHED, DemandStatus.CONTRACTED]


def make_demand(rng: random.Random, enterprise_id: uuid.UUID, now: datetime) -> Demand:
    zh = rng.random() < 0.7
    title, field = rng.choice(TOPICS_ZH if zh else TOPICS_EN)
    title2, field2 = rng.choice(TOPICS_ZH if zh else TOPICS_EN)
    desc = (
        f"我司需要开发{title}技术，并结合{title2}，提升产品性能与可靠性，形成可量产的工艺方案。"
        if zh
        else f"We need {title} technology combined with {title2}, improving performance and reliability "
        "towards a process ready for volume production."
    )
    province, city = rng.choice(CITIES)
    created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
    return Demand(
        id=uuid.uuid4(),
        enterprise_id=enterprise_id,
        title=f"{title} ({rng.randint(1, 9999)})",
        description=desc,
        fields=sorted({field, field2}),
        keywords=[title2],
        demand_type=rng.choice(list(DemandType)),
        expected_outcome="样机与技术报告",
        trl_current=3,
        trl_target=6,
        budget=Decimal(rng.randrange(100_000, 50_000_000, 10_000)),
        deadline=now + timedelta(days=rng.randint(10, 400)) if rng.random() < 0.9 else None,
        province=province,
        city=city,
        center_id=None,
        contact={"name": "联系人"},
        confidentiality=Confidentiality.CONFIDENTIAL if rng.random() < 0.2 else Confidentiality.PUBLIC,
        status=rng.choice(STATUSES),
        version=1,
        created_at=created,
        updated_at=created,
    )


async def load(url: str, n: int) -> uuid.UUID:
    rng = random.Random(7)
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    now = datetime.now(UTC)
    enterprises = [uuid.uuid4() for _ in range(200)]
    await conn.executemany(
        "INSERT INTO enterprises (id, name_zh, credit_code, province, city, industry_code, size, contacts, version,"
        " created_at) VALUES ($1, $2, $3, '江苏', '苏州', 'C38', 'large', '[]', 1, $4)",
        [(e, f"企业{i}", f"{i:018d}", now) for i, e in enumerate(enterprises)],
    )
    cols = [
        "id",
        "enterprise_id",
        "title",
        "description",
        "fields",
        "keywords",
        "demand_type",
        "expected_outcome",
        "trl_current",
        "trl_target",
        "budget",
        "deadline",
        "province",
        "city",
        "contact",
        "confidentiality",
        "status",
        "version",
        "created_at",
        "updated_at",
        "search_terms",
        "teaser_terms",
    ]
    batch: list[tuple[Any, ...]] = []
    for i in range(n):
        d = make_demand(rng, enterprises[i % len(enterprises)], now)
        search, teaser = index_terms(d)
        batch.append(
            (
                d.id,
                d.enterprise_id,
                d.title,
                d.description,
                orjson.dumps(d.fields).decode(),
                orjson.dumps(d.keywords).decode(),
                d.demand_type.value,
                d.expected_outcome,
                d.trl_current,
                d.trl_target,
                d.budget,
                d.deadline,
                d.province,
                d.city,
                orjson.dumps(d.contact).decode(),
                d.confidentiality.value,
                d.status.value,
                1,
                d.created_at,
                d.updated_at,
                orjson.dumps(search).decode(),
                orjson.dumps(teaser).decode(),
            )
        )
        if len(batch) == 5000 or i == n - 1:
            await conn.copy_records_to_table("demands", records=batch, columns=cols)
            batch.clear()
    await conn.execute("ANALYZE demands")
    await conn.close()
    return enterprises[0]


CASES: list[tuple[str, dict[str, str]]] = [
    ("newest page, no filter", {}),
    ("status=published, field=energy.batteries", {"status": "published", "field": "energy.batteries"}),
    ("text q=固态电池 (Chinese, finds 固态锂电池)", {"q": "固态电池"}),
    ("text q=gate driver (English)", {"q": "gate driver"}),
    (
        "q=碳化硅 + province + budget range",
        {"q": "碳化硅", "province": "江苏", "budget_min": "1000000", "budget_max": "20000000"},
    ),
    ("deadline sort + city", {"sort": "deadline", "city": "苏州"}),
    ("rare text q=数字孪生 + field", {"q": "数字孪生", "field": "it.software"}),
]


async def time_cases(url: str, rounds: int, carrier: uuid.UUID) -> list[tuple[str, str, float, float, int]]:
    settings = ServiceSettings(env="test", service_name="demand", database_url=url)
    app = create_service_app(demand_definition, settings, InMemoryBus(), background=False)
    rows: list[tuple[str, str, float, float, int]] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demand") as client,
    ):
        for who, headers in (
            ("staff", auth_headers("operator")),
            ("carrier", auth_headers("carrier_user", carrier_id=carrier)),
        ):
            for name, params in CASES:
                await client.get("/api/v1/demands", params=params, headers=headers)  # warm
                samples = []
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    r = await client.get("/api/v1/demands", params=params, headers=headers)
                    samples.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, r.text
                n_items = len(r.json()["items"])
                samples.sort()
                rows.append((who, name, statistics.median(samples), samples[int(len(samples) * 0.99) - 1], n_items))
    return rows


async def explain(url: str) -> str:
    """The plan of the carrier's text query (full terms OR teaser terms) with filters."""
    from sqlalchemy.dialects import postgresql

    from services.demand.repository import DemandFilters, DemandRepository, Viewer
    from shared.db import create_engine

    engine = create_engine(url)
    async with engine.connect() as conn:
        stmt = DemandRepository(conn).list_statement(
            DemandFilters(q="碳化硅模块", province="江苏", status=["published"]),
            viewer=Viewer(staff=False, carrier_id=uuid.uuid4()),
            sort="-created_at",
            after=None,
            limit=21,
        )
        assert stmt is not None
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        plan = (await conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)).all()
    await engine.dispose()
    return "\n".join(r[0] for r in plan)


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--demands", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=200)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    if args.quick:
        args.demands, args.rounds = 5_000, 30
    name = unique("itp_bench_listing")
    url = await create_database(name, template=await migrated_template("demand", definition("demand").migrations))
    try:
        t0 = time.perf_counter()
        await load(url, args.demands)
        print(f"loaded {args.demands} demands in {time.perf_counter() - t0:.1f} s")
        rows = await time_cases(url, args.rounds, uuid.uuid4())
        print(f"\none page (limit 20) of GET /api/v1/demands over {args.demands} demands, {args.rounds} requests each")
        print("| caller | case | p50 ms | p99 ms | items |\n|---|---|---|---|---|")
        for who, case, p50, p99, n in rows:
            print(f"| {who} | {case} | {p50:.2f} | {p99:.2f} | {n} |")
        print("\nplan (carrier, q=碳化硅模块, province, status):\n" + await explain(url))
    finally:
        await drop_database(name)
        await drop_templates()


if __name__ == "__main__":
    asyncio.run(main())
