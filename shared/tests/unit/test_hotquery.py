"""A hot route's QueryReader reads the query exactly as FastAPI reads it for the declared endpoint:
the same values, defaults and lists, the same 422 naming every failing field. In-process ASGI, no I/O."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import httpx
import orjson
import pytest
from fastapi import FastAPI, Query
from fastapi.responses import Response

from shared.hotpath import HotRequest, HotRoute, HotRoutes
from shared.hotquery import QueryReader
from shared.problems import install_problem_handlers


def _answer(values: dict[str, Any]) -> Response:
    return Response(orjson.dumps(values, default=str), media_type="application/json")


async def things(
    owner_id: uuid.UUID | None = None,
    status: Annotated[list[str] | None, Query()] = None,
    since: Annotated[date | None, Query(description="on or after")] = None,
    kind: str | None = None,
    code: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", alias="country")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    tags: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI copies defaults per request
) -> Response:
    tags.append("seen")  # a mutable default must not leak into the next request
    values = {"owner_id": owner_id, "status": status, "since": since, "kind": kind, "code": code}
    return _answer({**values, "limit": limit, "tags": tags})


READER = QueryReader(things)


async def things_hot(req: HotRequest) -> Response:
    return await things(**READER.read(req.scope.get("query_string", b"")))


def _app(hot: bool) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_api_route("/things", things, methods=["GET"])
    app.add_middleware(HotRoutes, routes=[HotRoute("GET", "/things", things_hot)], enabled=hot)
    return app


APPS = {hot: _app(hot) for hot in (True, False)}
U = "7d0c1f0e-8f65-4a3a-9d6c-3f1f0e5b8a11"
QUERIES = [
    "",
    f"owner_id={U}",
    "owner_id=nonsense",
    "owner_id=",
    f"owner_id=nonsense&owner_id={U}",  # of a repeated single value, the last counts
    f"owner_id={U}&owner_id=nonsense",
    "status=draft&status=in_force",
    "status=",
    "since=2026-02-30",
    "since=2026-02-28&kind=",
    "country=CN",
    "country=cn",
    "code=CN",  # not its name: its alias
    "limit=0",
    "limit=101",
    "limit=abc",
    "limit=07",
    "limit=0&owner_id=nonsense&since=x&country=x",  # every failing field is named
    "tags=a&tags=b",
    "unknown=1",
    "kind=%E5%90%88%E5%90%8C&owner_id=%20" + U,
]


async def _get(hot: bool, url: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=APPS[hot]), base_url="http://t") as client:
        return await client.get(url)


@pytest.mark.parametrize("query", QUERIES)
async def test_reads_as_fastapi_does(query: str) -> None:
    hot, cold = await _get(True, f"/things?{query}"), await _get(False, f"/things?{query}")
    assert (hot.status_code, hot.content, hot.headers) == (cold.status_code, cold.content, cold.headers)


async def test_the_cases_differ_as_they_should() -> None:
    r = await _get(True, "/things?limit=0&owner_id=nonsense&since=x&country=x")
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == ["query.owner_id", "query.since", "query.country", "query.limit"]
    r = await _get(True, f"/things?owner_id=nonsense&owner_id={U}&status=a&status=b&country=CN")
    assert r.json() == {
        "owner_id": U,
        "status": ["a", "b"],
        "since": None,
        "kind": None,
        "code": "CN",
        "limit": 20,
        "tags": ["seen"],
    }


async def test_a_mutable_default_is_fresh_for_every_request() -> None:
    for _ in range(2):
        assert (await _get(True, "/things")).json()["tags"] == ["seen"]


async def needs_a_value(q: str) -> Response:
    return Response()


def test_a_required_parameter_is_refused() -> None:
    with pytest.raises(TypeError, match="required parameter q"):
        QueryReader(needs_a_value)
