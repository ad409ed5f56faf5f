"""Carriers and people over HTTP: who may do what, ETag/If-Match, Idempotency-Key, lists with
filters, Chinese-aware search and cursors, and the events each write records."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from services.talent.main import definition
from services.talent.tests.integration.helpers import (
    DASHBOARD,
    OPERATOR,
    PROJECT_MANAGER,
    TalentApp,
    assert_problem,
    carrier_body,
    carrier_user,
    create_carrier,
    create_person,
    enterprise_user,
    last_seq,
    outbox_rows,
    person_body,
    tag,
    types_of,
)
from shared.testing import holding_locks, service_client

pytestmark = pytest.mark.integration


# -- carriers ----------------------------------------------------------------------------------


async def test_carrier_routes_need_a_token_and_staff_to_register(talent: TalentApp) -> None:
    async with talent.client() as anonymous:
        r = await anonymous.get("/api/v1/carriers")
        assert_problem(r, 401, "unauthenticated")
        assert r.headers["www-authenticate"].startswith("Bearer")
    for headers in (enterprise_user(), DASHBOARD, carrier_user(uuid.uuid4())):
        async with talent.client(headers) as c:
            assert_problem(await c.post("/api/v1/carriers", json=carrier_body()), 403, "forbidden")
    async with talent.client(PROJECT_MANAGER) as pm:
        r = await pm.post("/api/v1/carriers", json=carrier_body())
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["etag"] == '"v1"'
    assert r.headers["location"] == f"/api/v1/carriers/{body['id']}"
    assert (body["active_load"], body["completed_contracts"], body["contract_value"]) == (0, 0, "0.00")
    assert "name_key" not in body and "search_text" not in body
    # Everyone signed in reads profiles.
    async with talent.client(enterprise_user()) as ent:
        r = await ent.get(f"/api/v1/carriers/{body['id']}")
    assert r.status_code == 200 and r.json()["name_zh"] == body["name_zh"]


async def test_carrier_registration_is_idempotent_and_recorded_once(talent: TalentApp) -> None:
    seq = await last_seq(talent)
    body = carrier_body()
    key = f"carrier-{tag()}"
    async with talent.client(OPERATOR) as c:
        first = await c.post("/api/v1/carriers", json=body, headers={"Idempotency-Key": key})
        again = await c.post("/api/v1/carriers", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == ["CarrierRegistered"]
    assert rows[0].data["name"] == body["name_zh"] and rows[0].data["capacity"] == 3


async def test_carrier_user_edits_its_own_carrier_only_and_not_its_standing(talent: TalentApp) -> None:
    mine = await create_carrier(talent)
    other = await create_carrier(talent)
    update = {k: v for k, v in carrier_body(name_zh=mine["name_zh"]).items()}
    update["capabilities"] = "固态电解质、硫化物电解质界面改性与全固态电池中试。"
    update["capacity"] = 5
    seq = await last_seq(talent)
    async with talent.client(carrier_user(mine["id"])) as c:
        assert_problem(await c.put(f"/api/v1/carriers/{mine['id']}", json=update), 428, "precondition-required")
        assert_problem(
            await c.put(f"/api/v1/carriers/{mine['id']}", json=update, headers={"If-Match": '"v9"'}),
            412,
            "precondition-failed",
        )
        assert_problem(
            await c.put(f"/api/v1/carriers/{other['id']}", json=update, headers={"If-Match": '"v1"'}), 403, "forbidden"
        )
        assert_problem(
            await c.put(
                f"/api/v1/carriers/{mine['id']}", json={**update, "status": "suspended"}, headers={"If-Match": '"v1"'}
            ),
            403,
            "forbidden",
        )
        r = await c.put(f"/api/v1/carriers/{mine['id']}", json=update, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"v2"'
    assert r.json()["capacity"] == 5
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == ["CarrierProfileUpdated", "CapacityChanged"]
    assert rows[0].data["version"] == 2
    assert rows[1].data == {
        "subject_type": "carrier",
        "subject_id": mine["id"],
        "capacity": 5,
        "active_load": 0,
        "changed_at": rows[1].data["changed_at"],
    }


async def test_carrier_list_filters_and_searches_chinese_and_full_width_text(talent: TalentApp) -> None:
    marker = tag()
    a = await create_carrier(
        talent,
        name_zh=f"膜科学与水处理研究所{marker}",
        fields=["environment.water"],
        capabilities="反渗透膜、纳滤膜制备，工业废水零排放工艺。",
        keywords=["膜分离", marker],
        kind="research_institute",
    )
    b = await create_carrier(
        talent,
        name_zh=None,
        name_en=f"Munich Robotics Lab {marker}",
        country="DE",
        city="Munich",
        fields=["manufacturing.robotics"],
        capabilities="Collaborative robots and machine vision for assembly lines.",
        keywords=["cobot", marker],
        kind="overseas_platform",
    )
    async with talent.client(DASHBOARD) as c:
        by_zh = (await c.get("/api/v1/carriers", params={"q": "废水零排放"})).json()["items"]
        assert a["id"] in [x["id"] for x in by_zh] and b["id"] not in [x["id"] for x in by_zh]
        # Full-width Latin letters and upper case meet the stored text.
        by_en = (await c.get("/api/v1/carriers", params={"q": "ＲＯＢＯＴＩＣＳ lab"})).json()["items"]
        assert [x["id"] for x in by_en if marker in (x["name_en"] or "")] == [b["id"]]
        mine = (await c.get("/api/v1/carriers", params={"q": marker, "kind": "overseas_platform"})).json()["items"]
        assert [x["id"] for x in mine] == [b["id"]]
        mine = (await c.get("/api/v1/carriers", params={"q": marker, "field": "environment.water"})).json()["items"]
        assert [x["id"] for x in mine] == [a["id"]]
        page1 = (await c.get("/api/v1/carriers", params={"q": marker, "limit": 1})).json()
        params = {"q": marker, "limit": 1, "cursor": page1["next_cursor"]}
        page2 = (await c.get("/api/v1/carriers", params=params)).json()
        assert [x["id"] for x in page1["items"] + page2["items"]] == [b["id"], a["id"]]  # newest first
        assert page2["next_cursor"] is None
        assert_problem(await c.get("/api/v1/carriers", params={"cursor": "garbage!"}), 400, "bad-cursor")


# -- people ------------------------------------------------------------------------------------


async def test_person_registration_and_events_keep_contact_data_off_the_bus(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    seq = await last_seq(talent)
    body = person_body(carrier["id"], roles=["jitri_researcher", "project_manager", "jitri_researcher"])
    async with talent.client(OPERATOR) as c:
        r = await c.post("/api/v1/people", json=body, headers={"Idempotency-Key": f"p-{tag()}"})
    assert r.status_code == 201, r.text
    person = r.json()
    assert person["roles"] == ["jitri_researcher", "project_manager"]
    assert person["contact"]["email"] == body["contact"]["email"]
    assert r.headers["etag"] == '"v1"'
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == ["PersonRegistered"]
    assert rows[0].aggregate_id == person["id"]
    assert rows[0].data["carrier_id"] == carrier["id"] and rows[0].data["languages"] == ["zh", "en"]
    assert body["contact"]["email"] not in rows[0].payload and "6288" not in rows[0].payload


async def test_person_rules_at_the_edge(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    async with talent.client(OPERATOR) as c:
        r = await c.post("/api/v1/people", json=person_body(None, university=None))
        assert_problem(r, 422, "validation-error")
        r = await c.post("/api/v1/people", json=person_body(carrier["id"], fields=["no.such.field"]))
        assert [e["field"] for e in assert_problem(r, 422, "validation-error")["errors"]] == ["fields"]
        r = await c.post("/api/v1/people", json=person_body(carrier["id"], languages=["中文"]))
        assert [e["field"] for e in assert_problem(r, 422, "validation-error")["errors"]] == ["languages"]
        r = await c.post("/api/v1/people", json=person_body(uuid.uuid4()))
        assert_problem(r, 422, "unknown-carrier")
        first = await c.post("/api/v1/people", json=person_body(carrier["id"]))
        email = first.json()["contact"]["email"]
        r = await c.post(
            "/api/v1/people", json=person_body(carrier["id"], contact={"email": email.upper()})
        )  # e-mails compare case-insensitively
        assert assert_problem(r, 409, "duplicate-person")["existing_id"] == first.json()["id"]
    # A carrier user registers people of its own carrier only.
    async with talent.client(carrier_user(carrier["id"])) as c:
        assert (await c.post("/api/v1/people", json=person_body(carrier["id"]))).status_code == 201
        other = await create_carrier(talent)
        assert_problem(await c.post("/api/v1/people", json=person_body(other["id"])), 403, "forbidden")


async def test_a_duplicate_e_mail_names_the_person_only_to_who_may_see_its_contact_data(talent: TalentApp) -> None:
    ours, theirs = await create_carrier(talent), await create_carrier(talent)
    async with talent.client(carrier_user(theirs["id"])) as c:
        first = await c.post("/api/v1/people", json=person_body(theirs["id"]))
        assert first.status_code == 201, first.text
    email, their_person = first.json()["contact"]["email"], first.json()["id"]
    async with talent.client(carrier_user(ours["id"])) as c:
        r = await c.post("/api/v1/people", json=person_body(ours["id"], contact={"email": email}))
        assert "existing_id" not in assert_problem(r, 409, "duplicate-person") and their_person not in r.text
        mine = await c.post("/api/v1/people", json=person_body(ours["id"]))
        r = await c.patch(
            f"/api/v1/people/{mine.json()['id']}", json={"contact": {"email": email}}, headers={"If-Match": '"v1"'}
        )
        assert "existing_id" not in assert_problem(r, 409, "duplicate-person") and their_person not in r.text
    for headers in (carrier_user(theirs["id"]), PROJECT_MANAGER):
        async with talent.client(headers) as c:
            r = await c.post("/api/v1/people", json=person_body(theirs["id"], contact={"email": email}))
            named = assert_problem(r, 409, "duplicate-person").get("existing_id")
            assert named == (their_person if headers != PROJECT_MANAGER else None)


async def test_person_patch_with_if_match_and_no_event_when_nothing_changes(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    person = await create_person(talent, carrier["id"])
    url = f"/api/v1/people/{person['id']}"
    seq = await last_seq(talent)
    async with talent.client(OPERATOR) as c:
        assert_problem(await c.patch(url, json={"capacity": 4}), 428, "precondition-required")
        assert_problem(await c.patch(url, json={"id": "x"}, headers={"If-Match": '"v1"'}), 422, "validation-error")
        r = await c.patch(url, json={"capacity": 4, "keywords": ["硫化物电解质"]}, headers={"If-Match": '"v1"'})
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"v2"' and r.json()["capacity"] == 4
        stale = await c.patch(url, json={"capacity": 5}, headers={"If-Match": '"v1"'})
        assert_problem(stale, 412, "precondition-failed")
        same = await c.patch(url, json={"capacity": 4}, headers={"If-Match": '"v2"'})
        assert same.status_code == 200 and same.headers["etag"] == '"v2"'
        bad = await c.patch(url, json={"capacity": -1}, headers={"If-Match": '"v2"'})
        assert [e["field"] for e in assert_problem(bad, 422, "validation-error")["errors"]] == ["capacity"]
    rows = await outbox_rows(talent, after_seq=seq)
    assert types_of(rows) == ["PersonProfileUpdated", "CapacityChanged"]
    assert rows[0].data["keywords"] == ["硫化物电解质"] and rows[0].data["version"] == 2
    assert rows[1].data["subject_type"] == "person" and rows[1].data["capacity"] == 4
    # The person's carrier may edit it, but not move it elsewhere; other carriers may not edit it.
    other = await create_carrier(talent)
    async with talent.client(carrier_user(carrier["id"])) as c:
        assert (await c.patch(url, json={"title": "副研究员"}, headers={"If-Match": '"v2"'})).status_code == 200
        r = await c.patch(url, json={"carrier_id": other["id"]}, headers={"If-Match": '"v3"'})
        assert_problem(r, 403, "forbidden")
    async with talent.client(carrier_user(other["id"])) as c:
        assert_problem(await c.patch(url, json={"title": "x"}, headers={"If-Match": '"v3"'}), 403, "forbidden")


async def test_people_list_filters_search_and_pages(talent: TalentApp) -> None:
    carrier = await create_carrier(talent)
    marker = tag()
    pm = await create_person(
        talent, carrier["id"], name=f"李项目{marker}", roles=["project_manager"], languages=["zh"], capacity=1
    )
    student = await create_person(
        talent,
        carrier["id"],
        name=f"Anna Schmidt {marker}",
        name_en=None,
        roles=["graduate_student"],
        languages=["de", "en"],
        fields=["manufacturing.robotics"],
        keywords=["机器视觉"],
    )
    scientist = await create_person(
        talent, None, name=f"陈院士{marker}", roles=["strategic_scientist"], university="南京大学", fields=["ic.design"]
    )
    async with talent.client(PROJECT_MANAGER) as c:

        async def ids(**params: str) -> list[str]:
            r = await c.get("/api/v1/people", params={"q": marker, **params})
            assert r.status_code == 200, r.text
            return [p["id"] for p in r.json()["items"]]

        assert await ids() == [scientist["id"], student["id"], pm["id"]]
        assert await ids(role="project_manager") == [pm["id"]]
        assert await ids(language="de") == [student["id"]]
        assert await ids(field="ic.design") == [scientist["id"]]
        assert await ids(carrier_id=carrier["id"]) == [student["id"], pm["id"]]
        assert await ids(university="南京大学") == [scientist["id"]]
        r = await c.get("/api/v1/people", params={"q": "机器视觉"})  # a keyword, in Chinese
        assert student["id"] in [p["id"] for p in r.json()["items"]]
        r = await c.get("/api/v1/people", params={"q": f"anna SCHMIDT {marker}"})
        assert [p["id"] for p in r.json()["items"]] == [student["id"]]
        first = (await c.get("/api/v1/people", params={"q": marker, "limit": 2})).json()
        rest = (await c.get("/api/v1/people", params={"q": marker, "limit": 2, "cursor": first["next_cursor"]})).json()
        assert [p["id"] for p in first["items"] + rest["items"]] == [scientist["id"], student["id"], pm["id"]]
        assert rest["next_cursor"] is None
        assert_problem(await c.get("/api/v1/people", params={"limit": 101}), 422, "validation-error")
        # A cursor of one list is refused by another.
        r = await c.get("/api/v1/carriers", params={"cursor": first["next_cursor"]})
        assert_problem(r, 400, "bad-cursor")


async def test_two_writers_on_two_replicas_with_one_if_match_give_one_success_and_one_412(talent: TalentApp) -> None:
    """Two replicas over one database; both edits provably in flight together (a third session
    holds the person's row until both wait on it)."""
    carrier = await create_carrier(talent)
    person = await create_person(talent, carrier["id"])
    url, db = f"/api/v1/people/{person['id']}", talent.database_url
    async with service_client(definition, db) as one, service_client(definition, db) as two:
        async with holding_locks(db, "SELECT id FROM people WHERE id = $1::uuid FOR UPDATE", person["id"]) as waiting:
            writes = [
                asyncio.create_task(client.patch(url, json={"capacity": capacity}, headers={**h, "If-Match": '"v1"'}))
                for client, h, capacity in ((one, OPERATOR, 4), (two, carrier_user(carrier["id"]), 5))
            ]
            await waiting(2)
        results = await asyncio.gather(*writes)
    assert sorted(r.status_code for r in results) == [200, 412], [r.text for r in results]
    [winner] = [r.json() for r in results if r.status_code == 200]
    async with talent.client(OPERATOR) as c:
        now = (await c.get(url)).json()
    assert (now["capacity"], now["version"]) == (winner["capacity"], 2)
