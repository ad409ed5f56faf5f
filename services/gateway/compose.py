"""Composition routes: what a portal needs in one call, fanned out concurrently.

Path parameters are UUIDs, validated (422) before any downstream URL or query is built from
them. Each part has its own deadline. When a service is down or slow the response still carries
what the others returned and lists what is missing in ``missing`` — a partial outage is
never a 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.gateway.downstream import Downstream, Reply, Unavailable
from services.gateway.edge import forward_headers, unavailable
from shared.routing import FastRoute

router = APIRouter(prefix="/api/v1", tags=["composed"], route_class=FastRoute)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_or_null(name: str, description: str) -> dict[str, Any]:
    return {"anyOf": [{"type": "array", "items": _ref(name)}, {"type": "null"}], "description": description}


_MISSING = {
    "type": "array",
    "items": {"type": "string"},
    "description": "The parts a service did not answer in time (the others are still there)",
}
# What the composed demand view adds to the demand (or to its teaser).
_DEMAND_PARTS: dict[str, Any] = {
    "type": "object",
    "required": ["suggestions", "suggestions_status", "contracts", "contract", "people", "missing"],
    "properties": {
        "suggestions": _list_or_null("SuggestedCarrierOut", "Ranked carriers; null when unavailable"),
        "suggestions_status": {"type": "string", "enum": ["ready", "none", "pending", "hidden", "unavailable"]},
        "contracts": _list_or_null("ContractOut", "The demand's contracts"),
        "contract": {"anyOf": [_ref("ContractOut"), {"type": "null"}]},
        "people": _list_or_null("AssignmentOut", "People assigned to the demand"),
        "missing": _MISSING,
    },
}
# The composed views' schemas, naming the services' own (checked when the document is merged).
SCHEMAS: dict[str, dict[str, Any]] = {
    "DemandView": {
        "title": "DemandView",
        "description": "A demand with its suggestions, its contract and the people assigned",
        "allOf": [_ref("DemandOut"), _DEMAND_PARTS],
    },
    "DemandTeaserView": {
        "title": "DemandTeaserView",
        "description": "A confidential demand's teaser (the caller has no access) with what may be shown of its parts",
        "allOf": [_ref("DemandTeaser"), _DEMAND_PARTS],
    },
    "SuggestionsPending": {
        "title": "SuggestionsPending",
        "description": "Matching has not ranked the demand yet: ask again after Retry-After seconds",
        "type": "object",
        "required": ["demand_id", "status", "retry_after", "carriers", "experts"],
        "properties": {
            "demand_id": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "const": "pending"},
            "retry_after": {"type": "integer", "minimum": 1},
            "carriers": {"type": "array", "maxItems": 0, "items": _ref("SuggestedCarrierOut")},
            "experts": {"type": "array", "maxItems": 0, "items": _ref("SuggestedExpertOut")},
        },
    },
    "NextStep": {
        "title": "NextStep",
        "type": "object",
        "required": ["actor", "action", "zh", "en"],
        "properties": {k: {"type": "string"} for k in ("actor", "action", "zh", "en")},
    },
    "HomeDemand": {
        "title": "HomeDemand",
        "allOf": [
            _ref("DemandOut"),
            {"type": "object", "properties": {"next_step": {"anyOf": [_ref("NextStep"), {"type": "null"}]}}},
        ],
    },
    "EnterpriseHome": {
        "title": "EnterpriseHome",
        "type": "object",
        "required": ["enterprise", "demands", "contracts", "missing"],
        "properties": {
            "enterprise": _ref("EnterpriseOut"),
            "demands": {"type": "array", "items": _ref("HomeDemand")},
            "contracts": _list_or_null("ContractOut", "The enterprise's contracts"),
            "missing": _MISSING,
        },
    },
    "CarrierInbox": {
        "title": "CarrierInbox",
        "type": "object",
        "required": ["carrier", "suggested_demands", "contracts", "missing"],
        "properties": {
            "carrier": _ref("CarrierOut"),
            "suggested_demands": _list_or_null("InboxItemOut", "Open demands the carrier is suggested for"),
            "contracts": _list_or_null("ContractOut", "The carrier's contracts"),
            "missing": _MISSING,
        },
    },
    "Worklist": {
        "title": "Worklist",
        "type": "object",
        "required": ["assignments", "contracts", "demands_awaiting_review", "missing"],
        "properties": {
            "assignments": _list_or_null("AssignmentOut", "The project manager's assignments"),
            "contracts": _list_or_null("ContractOut", "Contracts the project manager follows"),
            "demands_awaiting_review": _list_or_null("DemandOut", "Submitted demands, oldest first"),
            "missing": _MISSING,
        },
    },
}


def documented(*schemas: str, **extra: Any) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route that answers one of the composed ``schemas`` (JSON) with 200."""
    schema = _ref(schemas[0]) if len(schemas) == 1 else {"anyOf": [_ref(s) for s in schemas]}
    return {200: {"content": {"application/json": {"schema": schema}}, **extra}}


# The next step a portal should show for a demand in each state.
NEXT_STEP = {
    "draft": {"actor": "enterprise", "action": "submit", "zh": "提交需求", "en": "Submit the demand"},
    "submitted": {"actor": "institute", "action": "review", "zh": "等待研究院审核", "en": "Awaiting review"},
    "published": {"actor": "institute", "action": "match", "zh": "等待匹配", "en": "Awaiting matches"},
    "matched": {
        "actor": "enterprise",
        "action": "negotiate",
        "zh": "与研发载体洽谈",
        "en": "Negotiate with the carrier",
    },
    "in_negotiation": {"actor": "both", "action": "sign", "zh": "签订合同", "en": "Sign the contract"},
    "contracted": {"actor": "both", "action": "deliver", "zh": "跟进里程碑", "en": "Follow the milestones"},
}


def _json(reply: Reply) -> Any:
    return orjson.loads(reply.body)


async def _part(call: Awaitable[Reply]) -> Reply | None:
    """A downstream reply, or None when the service is unavailable."""
    try:
        return await call
    except Unavailable:
        return None


async def fan_out(request: Request, *parts: tuple[str, str, str]) -> list[Reply | None]:
    """Authenticate the caller, then GET every (service, path, query) at once within the
    composition deadline: the replies, None for a part whose service is unavailable."""
    headers = await forward_headers(request)
    state = request.app.state
    down: Downstream = state.downstream
    return await down.get_all(parts, headers=headers, timeout_s=state.settings.compose_timeout_s)


def _items(reply: Reply | None, name: str, missing: list[str]) -> list[Any] | None:
    if reply is None or reply.status >= 500:
        missing.append(name)
        return None
    if reply.status != 200:
        return []
    body = _json(reply)
    return list(body["items"] if isinstance(body, dict) and "items" in body else body)


def respond(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), media_type="application/json", headers=headers)


@router.get(
    "/demands/{demand_id}",
    summary="A demand with its suggestions, its contract and the people assigned",
    responses=documented("DemandView", "DemandTeaserView"),
)
async def demand_view(demand_id: uuid.UUID, request: Request) -> Response:
    demand_r, sugg_r, contracts_r, people_r = await fan_out(
        request,
        ("demand", f"/api/v1/demands/{demand_id}", ""),
        ("matching", f"/api/v1/demands/{demand_id}/suggestions", ""),
        ("contracts", "/api/v1/contracts", f"demand_id={demand_id}"),
        ("talent", "/api/v1/assignments", f"target_id={demand_id}"),
    )
    if demand_r is None:
        return unavailable("demand")
    if demand_r.status != 200:
        return Response(demand_r.body, status_code=demand_r.status, headers=demand_r.headers)
    body: dict[str, Any] = _json(demand_r)
    missing: list[str] = []
    if sugg_r is not None and sugg_r.status == 200:
        s = _json(sugg_r)
        body["suggestions"] = s["carriers"]
        body["suggestions_status"] = "ready" if s.get("suggestion_set_id") else "none"
    elif sugg_r is not None and sugg_r.status in (403, 404):
        body["suggestions"] = []
        body["suggestions_status"] = "pending" if sugg_r.status == 404 else "hidden"
    else:
        body["suggestions"] = None
        body["suggestions_status"] = "unavailable"
        missing.append("suggestions")
    contracts = _items(contracts_r, "contracts", missing)
    body["contracts"] = contracts
    body["contract"] = contracts[0] if contracts else None
    body["people"] = _items(people_r, "people", missing)
    body["missing"] = missing
    etag = demand_r.headers.get("etag")
    return respond(body, {"etag": etag} if etag else None)


@router.get(
    "/enterprises/{enterprise_id}/home",
    summary="An enterprise's home: its demands, the next step for each",
    responses=documented("EnterpriseHome"),
)
async def enterprise_home(enterprise_id: uuid.UUID, request: Request) -> Response:
    ent_r, demands_r, contracts_r = await fan_out(
        request,
        ("demand", f"/api/v1/enterprises/{enterprise_id}", ""),
        ("demand", "/api/v1/demands", f"enterprise_id={enterprise_id}&limit=100"),
        ("contracts", "/api/v1/contracts", f"enterprise_id={enterprise_id}&limit=100"),
    )
    if ent_r is None:
        return unavailable("demand")
    if ent_r.status != 200:
        return Response(ent_r.body, status_code=ent_r.status, headers=ent_r.headers)
    missing: list[str] = []
    demands = _items(demands_r, "demands", missing) or []
    for d in demands:
        d["next_step"] = NEXT_STEP.get(d.get("status", ""))
    return respond(
        {
            "enterprise": _json(ent_r),
            "demands": demands,
            "contracts": _items(contracts_r, "contracts", missing),
            "missing": missing,
        }
    )


@router.get(
    "/carriers/{carrier_id}/inbox",
    summary="A carrier's inbox: the demands suggested to it",
    responses=documented("CarrierInbox"),
)
async def carrier_inbox(carrier_id: uuid.UUID, request: Request) -> Response:
    carrier_r, sugg_r, contracts_r = await fan_out(
        request,
        ("talent", f"/api/v1/carriers/{carrier_id}", ""),
        ("matching", f"/api/v1/carriers/{carrier_id}/suggestions", ""),
        ("contracts", "/api/v1/contracts", f"carrier_id={carrier_id}&limit=100"),
    )
    if carrier_r is None:
        return unavailable("talent")
    if carrier_r.status != 200:
        return Response(carrier_r.body, status_code=carrier_r.status, headers=carrier_r.headers)
    if sugg_r is not None and sugg_r.status in (401, 403):
        # The inbox is the carrier's own: a refusal of its main part refuses the whole view.
        return Response(sugg_r.body, status_code=sugg_r.status, headers=sugg_r.headers)
    missing: list[str] = []
    return respond(
        {
            "carrier": _json(carrier_r),
            "suggested_demands": _items(sugg_r, "suggestions", missing),
            "contracts": _items(contracts_r, "contracts", missing),
            "missing": missing,
        }
    )


@router.get(
    "/project-managers/{person_id}/worklist",
    summary="A project manager's worklist: assignments, contracts to follow, demands awaiting review",
    responses=documented("Worklist"),
)
async def pm_worklist(person_id: uuid.UUID, request: Request) -> Response:
    assign_r, contracts_r, review_r = await fan_out(
        request,
        ("talent", "/api/v1/assignments", f"person_id={person_id}&limit=100"),
        ("contracts", "/api/v1/contracts", f"project_manager_id={person_id}&limit=100"),
        ("demand", "/api/v1/demands", "status=submitted&sort=created_at&limit=100"),
    )
    missing: list[str] = []
    return respond(
        {
            "assignments": _items(assign_r, "assignments", missing),
            "contracts": _items(contracts_r, "contracts", missing),
            "demands_awaiting_review": _items(review_r, "demands", missing),
            "missing": missing,
        }
    )


PENDING_RETRY_AFTER_S = 2


@router.get(
    "/demands/{demand_id}/suggestions",
    tags=["matching"],
    summary="The latest ranked carriers and experts for a demand (202 while matching has not processed it yet)",
    responses={
        200: {"content": {"application/json": {"schema": _ref("SuggestionsOut")}}},
        202: {
            "description": "The demand exists but matching has not ranked it yet: ask again after Retry-After",
            "content": {"application/json": {"schema": _ref("SuggestionsPending")}},
        },
    },
)
async def get_suggestions(
    demand_id: uuid.UUID,
    request: Request,
    limit: Annotated[
        int | None, Query(ge=1, le=50, description="At most this many carriers and this many experts")
    ] = None,
) -> Response:
    """Matching's answer; when matching does not know the demand (404), the demand service says
    whether the caller may see it: then it is pending (202), else matching's 404 stands."""
    headers = await forward_headers(request)
    state = request.app.state
    down: Downstream = state.downstream
    query = f"limit={limit}" if limit is not None else ""
    reply = await _part(
        down.call("matching", "GET", f"/api/v1/demands/{demand_id}/suggestions", query=query, headers=headers)
    )
    if reply is None:
        return unavailable("matching")
    if reply.status != 404:
        return Response(reply.body, status_code=reply.status, headers=reply.headers)
    demand_r = await _part(down.call("demand", "GET", f"/api/v1/demands/{demand_id}", headers=headers))
    if demand_r is None or demand_r.status != 200:
        return Response(reply.body, status_code=reply.status, headers=reply.headers)
    body = {
        "demand_id": str(demand_id),
        "status": "pending",
        "retry_after": PENDING_RETRY_AFTER_S,
        "carriers": [],
        "experts": [],
    }
    retry = {"Retry-After": str(PENDING_RETRY_AFTER_S)}
    return Response(orjson.dumps(body), status_code=202, media_type="application/json", headers=retry)
