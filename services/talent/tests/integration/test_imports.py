"""Bulk onboarding: a file mixing good, bad and duplicate rows; good rows go in, each bad row is
reported with its line number; the same file again changes nothing and records no event; a
changed row updates (one new version, one event); CSV, JSON Lines, GB 18030, the command line."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from services.talent.bulk_cli import import_file, render
from services.talent.tables import carriers, people
from services.talent.tests.integration.helpers import (
    OPERATOR,
    PROJECT_MANAGER,
    TalentApp,
    assert_problem,
    carrier_user,
    create_carrier,
    get_json,
    last_seq,
    outbox_rows,
    read_scalar,
    tag,
    types_of,
)

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[4]

COLUMNS = [
    "type",
    "kind",
    "name_zh",
    "name_en",
    "city",
    "province",
    "country",
    "fields",
    "capabilities",
    "equipment",
    "keywords",
    "capacity",
    "name",
    "roles",
    "carrier",
    "carrier_kind",
    "university",
    "languages",
    "email",
    "phone",
]


def csv_file(rows: list[dict[str, Any]], *, extra_line: str | None = None) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    text = buf.getvalue() + (extra_line + "\n" if extra_line else "")
    return text.encode()


def mixed_rows(m: str) -> list[dict[str, Any]]:
    """Good, bad and duplicate rows; line numbers are the list index + 2 (the header is line 1)."""
    storage = {
        "type": "carrier",
        "kind": "research_institute",
        "name_zh": f"先进储能技术研究所{m}",
        "name_en": "Institute of Advanced Energy Storage",
        "city": "苏州",
        "province": "江苏",
        "fields": "energy.batteries; materials.nano",
        "capabilities": "锂离子电池正极材料、固态电解质与电池安全评估。",
        "equipment": "手套箱|XRD",
        "keywords": "固态电池、锂电池",
        "capacity": "4",
    }
    robotics = {
        "type": "carrier",
        "kind": "overseas_platform",
        "name_en": f"Munich Robotics Lab {m}",
        "city": "Munich",
        "country": "DE",
        "fields": "manufacturing.robotics",
        "capabilities": "Collaborative robots and machine vision for assembly lines.",
        "keywords": "cobot; machine vision",
        "capacity": "2",
    }
    zhang = {
        "type": "person",
        "name": f"张伟{m}",
        "roles": "jitri_researcher; project_manager",
        "carrier": f"先进储能技术研究所{m}",
        "university": "东南大学",
        "fields": "energy.batteries",
        "keywords": "固态电解质",
        "languages": "zh; en",
        "capacity": "2",
        "email": f"Zhang.Wei.{m}@jitri.example.cn",
        "phone": "+86 512 6288 1234",
    }
    return [
        storage,  # 2
        robotics,  # 3
        {**storage},  # 4: the same carrier again, identical
        {**storage, "name_zh": f"材料所{m}", "kind": "space_station"},  # 5: bad kind
        {**robotics, "name_en": None},  # 6: no name
        zhang,  # 7
        {
            "type": "person",
            "name": f"Anna Schmidt {m}",
            "roles": "graduate_student",
            "carrier": f"munich robotics lab {m}",  # names compare case-insensitively
            "languages": "de|en",
            "email": f"anna.{m}@tum.example.de",
        },  # 8
        {**zhang, "name": f"李雷{m}", "email": f"li.{m}@x.cn", "carrier": f"不存在的研究所{m}"},  # 9: unknown carrier
        {**zhang, "name": f"韩梅梅{m}", "email": f"han.{m}@x.cn", "roles": "astronaut"},  # 10: bad role
        {**zhang},  # 11: the same person again, identical
        {**zhang, "name": f"张伟伟{m}"},  # 12: same e-mail, other values
        {
            "type": "person",
            "name": f"李娜{m}",
            "roles": "postdoc",
            "university": "南京大学",
        },  # 13: no e-mail: keyed by name and university
        {"type": "robot", "name": "R2D2"},  # 14: unknown type
    ]


async def post_import(t: TalentApp, body: bytes, content_type: str, headers: Any = OPERATOR, **params: str) -> Any:
    async with t.client(headers) as c:
        return await c.post(
            "/api/v1/talent/imports", content=body, headers={"content-type": content_type}, params=params
        )


async def test_mixed_file_twice_then_changed(talent: TalentApp) -> None:
    m = tag()
    rows = mixed_rows(m)
    data = csv_file(rows, extra_line='person,,,,,,,,,,,,"多余",a,b,c,d,e,f,g,h')  # line 15: too many cells
    seq = await last_seq(talent)
    r = await post_import(talent, data, "text/csv; charset=utf-8")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["rows"] == 14
    assert report["carriers"] == {"created": 2, "updated": 0, "unchanged": 1}
    assert report["people"] == {"created": 3, "updated": 0, "unchanged": 1}
    problems = {p["line"]: p for p in report["problems"]}
    assert sorted(problems) == [5, 6, 9, 10, 12, 14, 15]
    assert report["rejected"] == 7
    assert [e["field"] for e in problems[5]["errors"]] == ["kind"]
    assert "give name_zh, name_en or both" in str(problems[6]["errors"])
    assert problems[9]["reason"] == f"no carrier is named '不存在的研究所{m}'"
    assert [e["field"] for e in problems[10]["errors"]] == ["roles.0"]
    assert problems[12]["reason"] == "line 7 has the same person with other values"
    assert "type column" in problems[14]["reason"] or "unknown record type" in problems[14]["reason"]
    assert "cells" in problems[15]["reason"]
    first = await outbox_rows(talent, after_seq=seq)
    assert sorted(types_of(first)) == ["CarrierRegistered"] * 2 + ["PersonRegistered"] * 3

    # People are linked to the carriers of the same file, by name.
    storage_id = next(r.aggregate_id for r in first if r.type == "CarrierRegistered" and "储能" in r.data["name"])
    zhang = next(r for r in first if r.type == "PersonRegistered" and r.data["name"] == f"张伟{m}")
    assert zhang.data["carrier_id"] == storage_id and zhang.data["roles"] == ["jitri_researcher", "project_manager"]
    person = await get_json(talent, f"/api/v1/people/{zhang.aggregate_id}")
    assert person["contact"]["email"] == f"zhang.wei.{m}@jitri.example.cn"  # stored lower-cased
    carrier = await get_json(talent, f"/api/v1/carriers/{storage_id}")
    assert carrier["equipment"] == ["手套箱", "XRD"] and carrier["keywords"] == ["固态电池", "锂电池"]

    # The same file again: nothing changes, no event is recorded.
    seq = await last_seq(talent)
    again = (await post_import(talent, data, "text/csv")).json()
    assert again["carriers"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert again["people"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert sorted(p["line"] for p in again["problems"]) == [5, 6, 9, 10, 12, 14, 15]
    assert await outbox_rows(talent, after_seq=seq) == []
    assert (await get_json(talent, f"/api/v1/carriers/{storage_id}"))["version"] == 1

    # One carrier and one person changed: one new version and one event each (plus the capacity).
    rows[0] = {**rows[0], "capacity": "6"}
    rows[2] = {**rows[2], "capacity": "6"}
    rows[5] = {**rows[5], "keywords": "固态电解质; 硫化物", "phone": None}
    rows[9] = {**rows[9], "keywords": "固态电解质; 硫化物", "phone": None}
    changed = (await post_import(talent, csv_file(rows), "text/csv")).json()
    assert changed["carriers"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert changed["people"] == {"created": 0, "updated": 1, "unchanged": 3}
    events = await outbox_rows(talent, after_seq=seq)
    assert types_of(events) == ["CarrierProfileUpdated", "CapacityChanged", "PersonProfileUpdated"]
    assert events[0].data["capacity"] == 6 and events[0].data["version"] == 2
    assert events[2].data["keywords"] == ["固态电解质", "硫化物"]
    person = await get_json(talent, f"/api/v1/people/{zhang.aggregate_id}")
    assert person["contact"]["phone"] == "+86 512 6288 1234"  # an empty contact cell keeps the stored one
    assert person["version"] == 2


async def test_json_lines_with_a_type_for_the_file(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    m = tag()
    lines = [
        orjson.dumps({"name": f"王芳{m}", "roles": ["researcher"], "carrier_id": carrier["id"], "fields": ["energy"]}),
        b"",
        b'{"name": "broken",',
        orjson.dumps(["not", "an", "object"]),
        orjson.dumps(
            {
                "name": f"Dr. Maria Rossi {m}",
                "roles": ["strategic_scientist"],
                "university": "Politecnico di Milano",
                "languages": ["it", "en"],
                "contact": {"email": f"rossi.{m}@polimi.example.it"},
            }
        ),
        orjson.dumps({"name": f"王芳{m}", "roles": ["researcher"], "carrier_id": carrier["id"], "capacity": 9}),
    ]
    r = await post_import(talent, b"\n".join(lines), "application/x-ndjson", type="people")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["people"]["created"] == 2
    assert {p["line"]: p["reason"] for p in report["problems"]} == {
        3: report["problems"][0]["reason"],
        4: "each line must be a JSON object",
        6: "line 1 has the same person with other values",
    }
    assert report["problems"][0]["reason"].startswith("not JSON")
    listed = await get_json(talent, f"/api/v1/people?carrier_id={carrier['id']}")
    assert [p["name"] for p in listed["items"]] == [f"王芳{m}"]


async def test_gb18030_csv_from_a_chinese_spreadsheet(talent: TalentApp) -> None:
    m = tag()
    text = (
        "kind,name_zh,city,fields,capabilities,capacity\n"
        f"research_institute,膜科学与水处理研究所{m},常州,environment.water,反渗透膜、纳滤膜制备与工业废水零排放工艺。,3\n"
    )
    r = await post_import(talent, text.encode("gb18030"), "text/csv", type="carriers")
    assert r.status_code == 200, r.text
    assert r.json()["carriers"]["created"] == 1
    found = await get_json(talent, f"/api/v1/carriers?q=膜科学与水处理研究所{m}")
    assert [c["city"] for c in found["items"]] == ["常州"]


async def test_import_endpoint_guards(talent: TalentApp) -> None:
    body = b"type,kind\n"
    async with talent.client() as anonymous:
        r = await anonymous.post("/api/v1/talent/imports", content=body, headers={"content-type": "text/csv"})
    assert_problem(r, 401, "unauthenticated")
    carrier = await create_carrier(talent)
    assert_problem(await post_import(talent, body, "text/csv", headers=carrier_user(carrier["id"])), 403, "forbidden")
    assert_problem(await post_import(talent, body, "application/pdf"), 415, "unsupported-media-type")
    assert_problem(await post_import(talent, b"", "text/csv"), 422, "unreadable-file")
    assert_problem(await post_import(talent, b"\xff\xfe\x00\xd8" * 10, "text/csv"), 422, "unreadable-file")
    r = await post_import(talent, b"type,kind\n", "text/csv", headers=PROJECT_MANAGER)
    assert r.status_code == 200 and r.json()["rows"] == 0


async def test_command_line_import(talent: TalentApp, tmp_path: Path) -> None:
    m = tag()
    path = tmp_path / "people.csv"
    path.write_text(
        "name,roles,university,languages,email\n"
        f"赵敏{m},postdoc,浙江大学,zh,zhao.{m}@zju.example.cn\n"
        f"钱坤{m},astronaut,浙江大学,zh,\n",
        encoding="utf-8",
    )

    async def run() -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.talent.bulk_cli",
            str(path),
            "--type",
            "people",
            "--database-url",
            talent.database_url,
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode is not None
        return proc.returncode, out.decode() + err.decode()

    code, output = await run()
    assert code == 1, output  # one row was rejected
    assert "people:   1 created, 0 updated, 0 unchanged" in output
    assert "line 3 (person): invalid roles.0" in output
    # The second run, in-process through the command's own function: nothing changes.
    again = await import_file(path.read_bytes(), "csv", record_type="people", database_url=talent.database_url)
    assert "people:   0 created, 0 updated, 1 unchanged" in render(again)
    n = await read_scalar(talent, sa.select(sa.func.count()).select_from(people).where(people.c.name == f"赵敏{m}"))
    assert n == 1
    assert await read_scalar(talent, sa.select(sa.func.count()).select_from(carriers)) >= 1
