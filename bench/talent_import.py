"""Benchmark: bulk onboarding of 10,000 people (mixed Chinese and English) into a fresh PostgreSQL
database, through the same use case as ``POST /api/v1/talent/imports`` and the command line.

    .venv/bin/python -m bench.talent_import [--people 10000] [--format csv|jsonl]

Steps, each on a fresh database migrated to head:
1. import the carriers (58 research institutes and partners) the people belong to;
2. import the people file and time it: rows per second (validation, natural-key look-ups,
   batched inserts and one outbox event per person, all in one transaction);
3. import the same file again (every row unchanged, no event) and time it;
4. on a second fresh database, the people import once more under ``tracemalloc`` for the peak
   of Python allocations (slower, so not timed).
It prints the process's peak resident set size (``resource.getrusage``) as well. Needs the
PostgreSQL that ``deploy/local/up.sh`` starts (``ITP_PG_DSN``).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson
import sqlalchemy as sa

from bench.harness import machine_info, pg_version, print_header
from services.talent.imports import TalentImporter
from services.talent.main import definition
from services.talent.schemas import ImportReport
from services.talent.tables import outbox, people
from shared import vocabulary
from shared.bulk import Format
from shared.db import create_engine
from shared.migrations import upgrade
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.testing import create_database, drop_database, pg_dsn, unique

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉晓红建国立新志海宇浩然欣怡子涵思雨梓轩"
EN_FIRST = "Anna Ben Chloe David Emma Felix Grace Henry Iris Jonas Klara Lukas Maria Noah Olivia Paul Sofia Tom".split()
EN_LAST = "Schmidt Müller Rossi Dubois Smith Johnson Tanaka Kim Novak Larsen Costa Silva Weber Fischer Moreau".split()
UNIVERSITIES = [
    "东南大学",
    "南京大学",
    "苏州大学",
    "江南大学",
    "南京理工大学",
    "中国矿业大学",
    "Technical University of Munich",
    "University of Cambridge",
    "ETH Zürich",
    "Politecnico di Milano",
]
KEYWORDS = [
    "固态电池",
    "锂离子电池",
    "碳纤维",
    "轻量化",
    "芯片设计",
    "功率器件",
    "机器视觉",
    "工业机器人",
    "膜分离",
    "废水处理",
    "催化剂",
    "氢燃料电池",
    "solid-state battery",
    "SiC MOSFET",
    "machine vision",
    "additive manufacturing",
    "membrane",
    "digital twin",
]
ROLE_MIX = [
    (["jitri_researcher"], 30),
    (["researcher"], 25),
    (["graduate_student"], 25),
    (["postdoc"], 8),
    (["project_manager"], 6),
    (["jitri_researcher", "project_manager"], 4),
    (["strategic_scientist"], 2),
]
CARRIERS = 58


def carriers_file() -> bytes:
    fields = list(vocabulary.FIELDS)
    rows = []
    for i in range(CARRIERS):
        rows.append(
            {
                "kind": "research_institute" if i < 50 else "overseas_platform",
                "name_zh": f"江苏产业技术研究院第{i + 1}研究所" if i < 50 else None,
                "name_en": f"JITRI Partner Lab {i + 1}",
                "city": random.choice(["南京", "苏州", "无锡", "常州", "Munich"]),
                "fields": random.sample(fields, 2),
                "capabilities": "面向产业的共性技术研发、中试验证与技术转移服务。Applied R&D, pilot-scale validation.",
                "keywords": random.sample(KEYWORDS, 3),
                "capacity": random.randint(3, 12),
            }
        )
    return b"\n".join(orjson.dumps({k: v for k, v in r.items() if v is not None}) for r in rows)


def person_rows(n: int, seed: int = 42) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    fields = list(vocabulary.FIELDS)
    roles_pool = [r for r, w in ROLE_MIX for _ in range(w)]
    out = []
    for i in range(n):
        english = rnd.random() < 0.2
        if english:
            name = f"{rnd.choice(EN_FIRST)} {rnd.choice(EN_LAST)} {i}"
            languages = ["en", rnd.choice(["de", "fr", "it", "zh"])]
        else:
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2))) + f"{i}"
            languages = ["zh", "en"] if rnd.random() < 0.7 else ["zh"]
        roles = rnd.choice(roles_pool)
        affiliated = rnd.random() < 0.75
        row: dict[str, Any] = {
            "name": name,
            "roles": roles,
            "fields": rnd.sample(fields, rnd.randint(0, 3)),
            "keywords": rnd.sample(KEYWORDS, rnd.randint(1, 4)),
            "languages": languages,
            "capacity": rnd.randint(1, 6),
            "title": rnd.choice(["研究员", "副研究员", "博士研究生", "Professor", "Senior Engineer", None]),
        }
        if affiliated:
            k = rnd.randint(1, CARRIERS)
            row["carrier"] = f"江苏产业技术研究院第{k}研究所" if k <= 50 else f"JITRI Partner Lab {k}"
        if not affiliated or "graduate_student" in roles or rnd.random() < 0.3:
            row["university"] = rnd.choice(UNIVERSITIES)
        if rnd.random() < 0.8:
            row["email"] = f"person{i}.{rnd.randint(1000, 9999)}@jitri.example.cn"
            row["phone"] = f"+86 1{rnd.randint(30, 99)} {rnd.randint(1000, 9999)} {rnd.randint(1000, 9999)}"
        out.append({k: v for k, v in row.items() if v is not None})
    return out


def encode(rows: list[dict[str, Any]], fmt: Format) -> bytes:
    if fmt == "jsonl":
        return b"\n".join(orjson.dumps(r) for r in rows)
    columns = ["name", "title", "roles", "carrier", "university", "fields", "keywords", "languages", "capacity"]
    columns += ["email", "phone"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in r.items()})
    return buf.getvalue().encode()


async def fresh_database() -> tuple[str, str]:
    name = unique("itp_bench_talent")
    url = await create_database(name)
    await asyncio.to_thread(upgrade, definition.migrations, url)
    return name, url


async def timed(run: Callable[[], Awaitable[ImportReport]]) -> tuple[ImportReport, float, float]:
    """The report, the wall-clock seconds and this process's CPU seconds (PostgreSQL's excluded)."""
    wall, cpu = time.perf_counter(), time.process_time()
    report = await run()
    return report, time.perf_counter() - wall, time.process_time() - cpu


def rss_mib() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def run(n: int, fmt: Format) -> None:
    random.seed(7)
    carriers = carriers_file()
    data = encode(person_rows(n), fmt)
    info = machine_info("bench.talent_import", await pg_version())
    print_header(
        "Talent bulk import",
        info,
        {"people": n, "format": fmt, "file": f"{len(data) / 1e6:.1f} MB", "PostgreSQL at": pg_dsn().split("@")[-1]},
    )
    rss_before = rss_mib()

    name, url = await fresh_database()
    engine = create_engine(url, pool_size=2)
    try:
        importer = TalentImporter(UnitOfWorkFactory(engine, outbox, source="/itp/talent", signal=OutboxSignal()))
        report = await importer.run(carriers, "jsonl", record_type="carriers")
        assert report.carriers.created == CARRIERS and not report.problems, report
        first, t1, c1 = await timed(lambda: importer.run(data, fmt, record_type="people"))
        assert first.people.created == n and not first.problems, first.problems[:3]
        second, t2, c2 = await timed(lambda: importer.run(data, fmt, record_type="people"))
        assert second.people.unchanged == n and second.people.created == second.people.updated == 0
        async with engine.connect() as conn:
            stored = (await conn.execute(sa.select(sa.func.count()).select_from(people))).scalar_one()
            events = (await conn.execute(sa.select(sa.func.count()).select_from(outbox))).scalar_one()
        assert stored == n and events == n + CARRIERS
    finally:
        await engine.dispose()
        await drop_database(name)
    rss_after = rss_mib()

    name, url = await fresh_database()
    engine = create_engine(url, pool_size=2)
    try:
        importer = TalentImporter(UnitOfWorkFactory(engine, outbox, source="/itp/talent", signal=OutboxSignal()))
        await importer.run(carriers, "jsonl", record_type="carriers")
        tracemalloc.start()
        traced = await importer.run(data, fmt, record_type="people")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert traced.people.created == n
    finally:
        await engine.dispose()
        await drop_database(name)

    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(
        f"first import (all new):    {t1:6.2f} s wall {n / t1:7.0f} rows/s   {c1:5.2f} s CPU here"
        f"  ({n} people inserted, {n} PersonRegistered in the outbox)"
    )
    print(
        f"second import (unchanged): {t2:6.2f} s wall {n / t2:7.0f} rows/s   {c2:5.2f} s CPU here  (0 writes, 0 events)"
    )
    print(f"peak Python allocations during one import (tracemalloc): {peak / (1024 * 1024):.1f} MiB")
    print(f"peak RSS of the process: {rss_after:.1f} MiB (before the imports: {rss_before:.1f} MiB)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    args = parser.parse_args(argv)
    asyncio.run(run(args.people, args.format))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
