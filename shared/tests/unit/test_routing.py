"""``FastRoute`` answers every request as FastAPI's own route class answers the same declaration:
same status, body and headers, for valid input and each kind of invalid input, in the same order
of checks (a body that is not JSON before authentication, authentication before validation)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import httpx
import pytest
from fastapi import APIRouter, Body, Depends, FastAPI, Header, Query, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from shared.problems import Problem, install_problem_handlers
from shared.responses import JSON
from shared.routing import FastRoute, plan_of


class Item(BaseModel):
    name: str = Field(min_length=1)
    price: str
    tags: list[str] = []


async def caller(request: Request) -> str:
    token = request.headers.get("authorization")
    if token != "Bearer ok":
        raise Problem(401, "unauthenticated", "no")
    return "alice"


async def service(request: Request) -> dict[str, int]:
    return {"calls": 1}


Caller = Annotated[str, Depends(caller)]
Service = Annotated[dict[str, int], Depends(service)]


def build(route_class: type[APIRoute]) -> FastAPI:
    router = APIRouter(prefix="/api/v1", route_class=route_class)

    @router.post("/items", status_code=201)
    async def create(
        request: Request, data: Item, who: Caller, svc: Service, key: str | None = Header(None)
    ) -> Response:
        raw = len(await request.body())
        return JSON({"by": who, "data": data.model_dump(), "key": key, "raw": raw}, status_code=201)

    @router.get("/items/{item_id}")
    async def read(
        item_id: uuid.UUID,
        who: Caller,
        svc: Service,
        status: Annotated[list[str] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=10)] = 5,
        if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    ) -> Response:
        return JSON({"id": str(item_id), "status": status, "limit": limit, "if_match": if_match, "svc": svc})

    @router.patch("/items/{item_id}")
    async def patch(item_id: uuid.UUID, who: Caller, changes: Annotated[dict[str, Any], Body()]) -> Response:
        return JSON({"id": str(item_id), "changes": changes})

    @router.post("/pairs")
    async def pairs(who: Caller, left: Annotated[int, Body()], right: Annotated[int, Body()]) -> Response:
        return JSON({"sum": left + right})

    @router.get("/search")
    async def search(
        q: Annotated[str, Query(min_length=2)],
        sort: Literal["name", "-name"] = "name",
        page: int | None = None,
        key: Annotated[str, Header(alias="X-Key")] = "none",
    ) -> Response:
        return JSON({"q": q, "sort": sort, "page": page, "key": key})

    @router.get("/plain")
    async def plain() -> dict[str, str]:  # data for response_model: FastAPI's handler serialises it
        return {"status": "ok"}

    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    return app


ID = str(uuid.UUID(int=7))
AUTH = {"authorization": "Bearer ok"}
JSON_TYPE = {**AUTH, "content-type": "application/json"}
ITEM = b'{"name":"a","price":"1"}'
CASES: list[tuple[str, str, dict[str, str], bytes | None]] = [
    ("POST", "/api/v1/items", {**JSON_TYPE, "key": "k1"}, b'{"name": "a", "price": "1.50", "tags": ["x"]}'),
    ("POST", "/api/v1/items", {**JSON_TYPE, "content-type": "application/merge-patch+json"}, ITEM),
    ("POST", "/api/v1/items", {**JSON_TYPE, "content-type": "application/json; charset=utf-8"}, ITEM),
    ("POST", "/api/v1/items", JSON_TYPE, b'{"name": "", "tags": 3}'),  # 422: three fields
    ("POST", "/api/v1/items", JSON_TYPE, b'{"name": '),  # 422: not JSON
    ("POST", "/api/v1/items", {"content-type": "application/json"}, b'{"name": '),  # not JSON beats no credential
    ("POST", "/api/v1/items", {"content-type": "application/json"}, b'{"name": ""}'),  # 401 before 422
    ("POST", "/api/v1/items", JSON_TYPE, b""),  # 422: body missing
    ("POST", "/api/v1/items", JSON_TYPE, b"[1, 2]"),  # 422: not an object
    ("POST", "/api/v1/items", {**AUTH, "content-type": "text/plain"}, ITEM),  # not decoded
    ("POST", "/api/v1/items", AUTH, ITEM),  # no content type: not decoded
    ("POST", "/api/v1/items", JSON_TYPE, b'{"name": "\xff"}'),  # not UTF-8: 400
    ("GET", f"/api/v1/items/{ID}", AUTH, None),
    ("GET", f"/api/v1/items/{ID}?status=a&status=b&limit=3", {**AUTH, "if-match": '"3"'}, None),
    ("GET", "/api/v1/items/nope?limit=11", AUTH, None),  # 422: path and query
    ("GET", f"/api/v1/items/{ID}?limit=x", {}, None),  # 401 first
    ("PATCH", f"/api/v1/items/{ID}", JSON_TYPE, b'{"title": "t"}'),
    ("PATCH", f"/api/v1/items/{ID}", JSON_TYPE, b"[]"),
    ("POST", "/api/v1/pairs", JSON_TYPE, b'{"left": 1, "right": 2}'),
    ("POST", "/api/v1/pairs", JSON_TYPE, b'{"left": 1}'),
    ("GET", "/api/v1/search?q=ab&sort=-name&page=2", {"x-key": "k"}, None),
    ("GET", "/api/v1/search?q=ab", {}, None),
    ("GET", "/api/v1/search?sort=up&page=x&q=a", {}, None),  # 422: three parameters
    ("GET", "/api/v1/search", {}, None),  # 422: q missing
    ("GET", "/api/v1/plain", {}, None),
    ("DELETE", "/api/v1/plain", {}, None),  # 405
]


async def answers(app: FastAPI) -> list[tuple[int, dict[str, str], Any]]:
    out = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for method, path, headers, body in CASES:
            r = await client.request(method, path, headers=headers, content=body)
            out.append((r.status_code, dict(r.headers), r.json()))
    return out


async def test_fast_routes_answer_as_fastapi_routes() -> None:
    fast, framework = await answers(build(FastRoute)), await answers(build(APIRoute))
    for case, mine, theirs in zip(CASES, fast, framework, strict=True):
        assert mine == theirs, case
    statuses = [status for status, _, _ in fast]
    assert statuses[:16] == [201, 201, 201, 422, 422, 422, 401, 422, 422, 422, 422, 400, 200, 200, 422, 401]
    assert statuses[16:] == [200, 422, 200, 422, 200, 200, 422, 422, 200, 405]


@pytest.mark.parametrize(
    ("path", "planned"), [("/api/v1/items", True), ("/api/v1/pairs", True), ("/api/v1/plain", False)]
)
def test_a_route_that_returns_data_is_left_to_fastapi(path: str, planned: bool) -> None:
    app = build(FastRoute)
    route = next(r for r in app.routes if isinstance(r, APIRoute) and r.path == path)
    assert (plan_of(route.dependant) is not None) is planned
