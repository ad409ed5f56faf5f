"""GET /api/v1/assignments (the gateway's ``?target_id=<demand>`` on every composed demand page),
read straight through asyncpg on PostgreSQL: every role, filter, page and error."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.types import Message

from services.talent.repository import AssignmentFilters, assignment_list_query
from services.talent.schemas import AssignmentOut
from services.talent.service import TalentService
from services.talent.tables import assignments
from services.talent.tests.integration.helpers import (
    ADMIN,
    DASHBOARD,
    OPERATOR,
    PROJECT_MANAGER,
    TalentApp,
    assert_problem,
    carrier_user,
    create_carrier,
    create_person,
    enterprise_user,
)
from shared.auth import Actor, Role
from shared.pgread import Reader, asyncpg_plan
from shared.responses import dumps

pytestmark = pytest.mark.integration


def assign(target_type: str, target_id: Any, role: str, *, person: Any = None, carrier: Any = None) -> dict[str, Any]:
    return {
        "target_type": target_type,
        "target_id": str(target_id),
        "role": role,
        "person_id": str(person["id"]) if person else None,
        "carrier_id": str(carrier["id"]) if carrier else None,
    }


@pytest.fixture(scope="module")
async def seeded(talent: TalentApp) -> dict[str, Any]:
    """A demand with a project manager and two carriers on it (one released and re-assigned
    elsewhere), a contract with a researcher, and another demand."""
    home = await create_carrier(talent, capacity=20)
    other = await create_carrier(talent, capacity=20)
    pm = await create_person(talent, None, roles=["project_manager"], university="东南大学", capacity=20)
    researcher = await create_person(talent, home["id"], capacity=20)
    demand, second_demand, contract = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with talent.client(OPERATOR) as c:
        made = []
        for body in (
            assign("demand", demand, "project_manager", person=pm),
            assign("demand", demand, "carrier", carrier=home),
            assign("demand", demand, "carrier", carrier=other),
            assign("demand", second_demand, "project_manager", person=pm),
            assign("contract", contract, "principal_investigator", person=researcher),
            assign("demand", second_demand, "carrier", carrier=other),
        ):
            r = await c.post("/api/v1/assignments", json=body)
            assert r.status_code == 201, r.text
            made.append(r.json())
        r = await c.post(f"/api/v1/assignments/{made[5]['id']}/release", json={"reason": "需求撤回"})
        assert r.status_code == 200, r.text
    return {
        "home": home,
        "other": other,
        "pm": pm,
        "researcher": researcher,
        "demand": demand,
        "second_demand": second_demand,
        "contract": contract,
        "made": made,
    }


async def asgi_get(
    t: TalentApp, query: str, headers: dict[str, str], method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One request straight to the ASGI app: status, headers and body."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/api/v1/assignments",
        "raw_path": b"/api/v1/assignments",
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "server": ("talent", 80),
        "client": ("127.0.0.1", 1),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await t.app(scope, receive, send)
    start = sent[0]
    got = {k.decode(): v.decode() for k, v in start["headers"] if k not in (b"x-request-id", b"traceresponse")}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], got, body


def roles(s: dict[str, Any]) -> list[tuple[dict[str, str], bool]]:
    """Each caller, and whether it reads assignments (staff, and a carrier its own carrier's)."""
    return [
        (enterprise_user(), False),
        (OPERATOR, True),
        (ADMIN, True),
        (PROJECT_MANAGER, True),
        (DASHBOARD, False),
        (carrier_user(s["home"]["id"]), True),
    ]


def queries(s: dict[str, Any]) -> list[str]:
    return [
        f"target_id={s['demand']}",
        f"target_id={uuid.uuid4()}",  # nobody on it: the common case
        "",
        f"target_id={s['second_demand']}&status=active",
        f"target_id={s['second_demand']}&status=released",
        f"target_type=contract&target_id={s['contract']}",
        f"target_type=demand&target_id={s['contract']}",
        f"person_id={s['pm']['id']}&limit=1",
        f"carrier_id={s['other']['id']}&target_type=demand",
        f"carrier_id={s['home']['id']}&person_id={s['researcher']['id']}&status=active",
        f"target_id={str(s['demand']).upper()}&limit=2",
        "limit=100",
    ]


async def test_every_role_and_filter_gets_its_answer(talent: TalentApp, seeded: dict[str, Any]) -> None:
    for headers, reads in roles(seeded):
        for q in queries(seeded):
            status, hdrs, body = await asgi_get(talent, q, headers)
            # An unknown parameter is ignored, as FastAPI ignores it.
            assert (status, hdrs, body) == await asgi_get(talent, (q + "&" if q else "") + "ignored=1", headers)
            if reads:
                assert status == 200 and hdrs["content-type"] == "application/json"
            else:
                assert status == 403 and hdrs["content-type"] == "application/problem+json"
            assert hdrs["content-length"] == str(len(body))


async def test_the_gateways_demand_query_lists_the_people_and_carriers_on_it(
    talent: TalentApp, seeded: dict[str, Any]
) -> None:
    status, _, body = await asgi_get(talent, f"target_id={seeded['demand']}", PROJECT_MANAGER)
    assert status == 200
    import orjson

    page = orjson.loads(body)
    assert page["next_cursor"] is None
    assert [i["id"] for i in page["items"]] == [a["id"] for a in reversed(seeded["made"][:3])]  # newest first
    assert page["items"] == [a for a in reversed(seeded["made"][:3])]
    for item in page["items"]:  # assignments carry no personal data
        assert set(item) == set(AssignmentOut.model_fields)
    # A carrier's user reads its own carrier's only.
    status, _, body = await asgi_get(talent, f"target_id={seeded['demand']}", carrier_user(seeded["home"]["id"]))
    assert status == 200 and [i["id"] for i in orjson.loads(body)["items"]] == [seeded["made"][1]["id"]]
    status, _, body = await asgi_get(talent, f"target_id={uuid.uuid4()}", PROJECT_MANAGER)
    assert (status, body) == (200, b'{"items":[],"next_cursor":null}')


async def test_pages_follow_the_cursor(talent: TalentApp, seeded: dict[str, Any]) -> None:
    import orjson

    for extra in ("", "&ignored=1"):
        seen: list[str] = []
        query = f"target_id={seeded['demand']}&limit=2{extra}"
        while True:
            status, _, body = await asgi_get(talent, query, OPERATOR)
            assert status == 200
            page = orjson.loads(body)
            seen += [i["id"] for i in page["items"]]
            if page["next_cursor"] is None:
                break
            query = f"target_id={seeded['demand']}&limit=2&cursor={page['next_cursor']}{extra}"
        assert seen == [a["id"] for a in reversed(seeded["made"][:3])]


async def test_bad_requests_get_problems(talent: TalentApp, seeded: dict[str, Any]) -> None:
    demand = seeded["demand"]
    for query, headers, status, slug in [
        (f"target_id={demand}", {}, 401, "unauthenticated"),
        (f"target_id={demand}", {"Authorization": "Bearer not-a-token"}, 401, "invalid-token"),
        (f"target_id={demand}", {"Authorization": "Basic abc"}, 401, "invalid-token"),
        ("target_id=not-a-uuid", OPERATOR, 422, "validation-error"),
        (f"target_id={demand}&limit=0", OPERATOR, 422, "validation-error"),
        (f"target_id={demand}&limit=101", OPERATOR, 422, "validation-error"),
        ("status=paused", OPERATOR, 422, "validation-error"),
        ("target_type=project", OPERATOR, 422, "validation-error"),
    ]:
        got_status, hdrs, body = await asgi_get(talent, query, headers)
        assert got_status == status, (query, body)
        assert hdrs["content-type"].startswith("application/problem+json")
        import orjson

        assert orjson.loads(body)["type"] == f"/problems/{slug}"


async def test_a_bad_cursor_is_a_problem(talent: TalentApp, seeded: dict[str, Any]) -> None:
    async with talent.client(OPERATOR) as c:
        r = await c.get("/api/v1/carriers?limit=1&status=active")
        carriers_cursor = r.json()["next_cursor"]
    assert carriers_cursor  # a cursor of another list
    for cursor in (carriers_cursor, "bm90LWpzb24"):
        q = f"target_id={seeded['demand']}&cursor={cursor}"
        await asgi_get(talent, q, OPERATOR)
        async with talent.client(OPERATOR) as c:
            assert_problem(await c.get(f"/api/v1/assignments?{q}"), 400, "bad-cursor")


async def test_other_methods_keep_their_answers(talent: TalentApp, seeded: dict[str, Any]) -> None:
    # FastAPI routes answer only their own methods: HEAD was, and stays, a 405.
    status, _, _ = await asgi_get(talent, f"target_id={seeded['demand']}", OPERATOR, method="HEAD")
    assert status == 405
    status, headers, _ = await asgi_get(talent, "", OPERATOR, method="DELETE")
    assert status == 405 and "POST" in headers["allow"]  # the 405 says which methods the path answers


async def test_the_operation_is_documented_once_with_its_parameters(talent: TalentApp) -> None:
    async with talent.client() as c:
        doc = (await c.get("/openapi.json")).json()
    op = doc["paths"]["/api/v1/assignments"]["get"]
    assert [p["name"] for p in op["parameters"]] == [
        "person_id",
        "carrier_id",
        "target_type",
        "target_id",
        "status",
        "cursor",
        "limit",
    ]
    assert op["operationId"] == "listAssignments"  # shared.openapi.operation_id


async def test_asyncpg_and_sqlalchemy_list_the_same(talent: TalentApp, seeded: dict[str, Any]) -> None:
    """The one statement, sent straight to asyncpg (PostgreSQL) or run by SQLAlchemy (elsewhere)."""
    svc: TalentService = talent.runtime.service
    assert svc.reader.driver
    s = seeded
    # Three made in the same microsecond: their order (and the cursor) falls back on the id.
    tied, when = uuid.uuid4(), datetime.now(UTC)
    async with talent.runtime.uow() as uow:
        await uow.conn.execute(
            sa.insert(assignments),
            [
                {
                    "id": uuid.uuid4(),
                    "target_type": "demand",
                    "target_id": tied,
                    "role": "project_manager",
                    "status": "released",
                    "source": "api",
                    "made_at": when,
                    "released_at": when,
                    "release_reason": "测试",
                    "version": 2,
                }
                for _ in range(3)
            ],
        )
    matrix = [
        AssignmentFilters(),
        AssignmentFilters(target_id=s["demand"]),
        AssignmentFilters(target_id=uuid.uuid4()),
        AssignmentFilters(target_type="demand", target_id=s["second_demand"], status="released"),
        AssignmentFilters(person_id=uuid.UUID(s["pm"]["id"]), status="active"),
        AssignmentFilters(carrier_id=uuid.UUID(s["other"]["id"]), target_type="demand"),
        AssignmentFilters(target_type="contract"),
        AssignmentFilters(target_id=tied),
    ]
    for f in matrix:  # the first page, as the gateway asks for it, goes to the driver
        assert asyncpg_plan(assignment_list_query(f, after=None, limit=1)[0], talent.runtime.engine.dialect)
    through_sa = TalentService(talent.runtime.uow)
    through_sa.reader.driver = False
    pm = Actor(subject="pm", roles=frozenset({Role.PROJECT_MANAGER}))
    for f in matrix:
        for limit in (1, 2, 50):
            got_page = await svc.list_assignments(f, pm, cursor=None, limit=limit)
            assert dumps(got_page) == dumps(await through_sa.list_assignments(f, pm, cursor=None, limit=limit))
            assert [list(r) for r in got_page[0]] == [
                list(r) for r in (await through_sa.list_assignments(f, pm, cursor=None, limit=limit))[0]
            ]
            if got_page[1]:
                nxt = await svc.list_assignments(f, pm, cursor=got_page[1], limit=limit)
                assert dumps(nxt) == dumps(await through_sa.list_assignments(f, pm, cursor=got_page[1], limit=limit))


def checked_out(t: TalentApp) -> int:
    pool: Any = t.runtime.engine.sync_engine.pool
    return int(pool.checkedout())


async def test_the_reader_hands_connections_back_after_errors_and_cancellation(talent: TalentApp) -> None:
    reader = Reader(talent.runtime.uow)
    before = checked_out(talent)
    assert [
        tuple(r.values()) for r in await reader.all(sa.select(sa.bindparam("n", type_=sa.Integer()) + 1), {"n": 41})
    ] == [(42,)]
    assert checked_out(talent) == before
    with pytest.raises(Exception) as refused:
        await reader.all(sa.text("SELECT * FROM no_such_table"), {})
    assert "no_such_table" in str(refused.value)
    assert checked_out(talent) == before
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(reader.all(sa.select(sa.func.pg_sleep(5)), {}), 0.2)
    assert checked_out(talent) == before
    for _ in range(3):  # whatever the pool hands out next works
        assert [tuple(r.values()) for r in await reader.all(sa.select(sa.literal_column("1")), {})] == [(1,)]
    async with talent.runtime.engine.connect() as conn:
        assert (await conn.execute(sa.text("SELECT 2"))).scalar_one() == 2
