"""HTTP routes of the matching service.

Who may see what:

- suggestions of a demand: staff (project managers, operators, admins) and the users of the
  demand's enterprise see everything; a carrier user sees only their own carrier's entry
  (and their own people among the experts), never the competitors ranked beside them;
- asking for suggestions again: staff and the demand's enterprise;
- curation (accept/reject a suggestion, record a match made outside them), conflicts of interest
  and batch assignment: project managers, operators and admins; a carrier user may read the
  decisions about their own carrier.
"""

from __future__ import annotations

import uuid
import zlib
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.matching import inference, views
from services.matching.schemas import (
    AssignmentRequest,
    BatchAssignmentOut,
    ConflictCreate,
    ConflictOut,
    ConflictPage,
    InboxOut,
    InferredField,
    MatchDecisionCreate,
    MatchOut,
    MatchPage,
    OfflineMatchCreate,
    SuggestionsOut,
)
from services.matching.service import MatchingService
from services.matching.tables import idempotency_keys
from shared import visibility
from shared.auth import CurrentActor, Role
from shared.events import matching as ev
from shared.idempotency import IdempotencyKey, created_response, idempotent_create
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, etag
from shared.problems import NotFound, Problem
from shared.responses import JSON
from shared.routing import FastRoute
from shared.runtime import get_service
from shared.visibility import Relation, Sight
from shared.vocabulary import FIELDS

router = APIRouter(prefix="/api/v1", tags=["matching"], route_class=FastRoute)

CURATORS = (Role.PROJECT_MANAGER, Role.OPERATOR, Role.ADMIN)


ServiceDep = Annotated[MatchingService, Depends(get_service)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def _etag_of(value: object) -> str:
    return etag(zlib.crc32(str(value).encode()))


def _forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", detail)


_FORBIDDEN_SUGGESTIONS = "suggestions are visible to staff, the demand's enterprise and the suggested carriers"


# -- suggestions ------------------------------------------------------------------------------


MAX_SUGGESTIONS = 50
SuggestionLimit = Annotated[
    int | None,
    Query(ge=1, le=MAX_SUGGESTIONS, description="At most this many carriers and this many experts (all if absent)"),
]


def _first(body: bytes | dict[str, Any], limit: int | None) -> bytes | dict[str, Any]:
    if limit is None:
        return body
    doc = orjson.loads(body) if isinstance(body, bytes) else body
    return {**doc, "carriers": doc["carriers"][:limit], "experts": doc["experts"][:limit]}


@router.get(
    "/demands/{demand_id}/suggestions",
    response_model=SuggestionsOut,
    summary="The latest ranked carriers and experts for a demand, each with its score breakdown and reasons",
)
async def get_suggestions(
    demand_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor, limit: SuggestionLimit = None
) -> Response:
    # The composed demand view calls this on every page.
    carrier_id = actor.carrier_id if actor.has(Role.CARRIER_USER) else None
    view = await svc.suggestions_view(demand_id, carrier_id)
    if view is None:
        raise NotFound("demand (in matching's read model)", demand_id)
    rel = visibility.relation_of(actor, view.enterprise_id)
    seen = visibility.sight(rel, view.status, confidential=view.confidential, granted=view.granted)
    if seen is Sight.NONE:
        # A demand the caller may not see (unpublished, say) does not exist for it here either.
        raise NotFound("demand (in matching's read model)", demand_id)
    headers = {"ETag": _etag_of(view.suggestion_set_id)}
    if rel in (Relation.STAFF, Relation.OWNER):
        if limit is None:
            return Response(view.body, media_type="application/json", headers=headers)
        return JSON(_first(view.body, limit), headers=headers)
    if rel is Relation.CARRIER and carrier_id is not None:
        # Their own carrier's entry (and their own people among the experts), never the competitors;
        # of a confidential demand without a grant, nothing derived from its hidden details.
        return JSON(_first(views.own_carrier_only(view.body, str(carrier_id), seen), limit), headers=headers)
    raise _forbidden(_FORBIDDEN_SUGGESTIONS)


@router.get(
    "/carriers/{carrier_id}/suggestions",
    response_model=InboxOut,
    summary="A carrier's inbox: the open demands it is currently suggested for (staff or that carrier)",
)
async def carrier_suggestions(
    carrier_id: uuid.UUID,
    svc: ServiceDep,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response:
    if not actor.acts_for_carrier(carrier_id):
        raise _forbidden("a carrier's inbox is visible to staff and that carrier")
    # The caller's relation to demands of other enterprises decides which demands and what of them
    # it sees (shared.visibility): a carrier's user sees published ones, the teaser of confidential
    # ones without a grant.
    rel = visibility.relation_of(actor, None)
    caller_carrier = actor.carrier_id if actor.has(Role.CARRIER_USER) else None
    items = await svc.carrier_inbox(carrier_id, rel=rel, caller_carrier_id=caller_carrier, limit=limit)
    return JSON({"items": items})


@router.post(
    "/demands/{demand_id}/suggestions",
    status_code=201,
    response_model=SuggestionsOut,
    summary="Rank carriers and experts for a demand again, now (staff or the demand's enterprise)",
)
async def request_suggestions(demand_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    owner = await svc.demand_owner(demand_id)
    # A demand the caller may not see (unpublished, say) does not exist for it, as on GET.
    if owner is None or not visibility.sees_demand(visibility.relation_of(actor, owner[0]), owner[1]):
        raise NotFound("demand (in matching's read model)", demand_id)
    enterprise_id = owner[0]
    if enterprise_id is None or not actor.acts_for_enterprise(enterprise_id):
        raise _forbidden("only staff and the demand's enterprise may ask for suggestions")
    view = await svc.request_suggestions(demand_id)
    return Response(
        view.body, status_code=201, media_type="application/json", headers={"ETag": _etag_of(view.suggestion_set_id)}
    )


# -- conflicts of interest (before /matches/{match_id}) -----------------------------------------


@router.get(
    "/matches/conflicts-of-interest", response_model=ConflictPage, summary="Configured conflicts of interest (staff)"
)
async def list_conflicts(
    svc: ServiceDep,
    actor: CurrentActor,
    enterprise_id: uuid.UUID | None = None,
    carrier_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    actor.require(*CURATORS)
    items, nxt = await svc.list_conflicts(
        enterprise_id=enterprise_id, carrier_id=carrier_id, cursor=cursor, limit=limit
    )
    return JSON({"items": items, "next_cursor": nxt})


@router.post(
    "/matches/conflicts-of-interest",
    response_model=ConflictOut,
    status_code=201,
    summary="Exclude a carrier from an enterprise's demands: never suggested, never assigned (staff)",
)
async def add_conflict(
    request: Request, data: ConflictCreate, svc: ServiceDep, actor: CurrentActor, idempotency_key: IdempotencyKey = None
) -> Response:
    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="conflicts-of-interest",
        authorize=lambda: actor.require(*CURATORS),
        key=idempotency_key,
        body=await request.body(),
        create=lambda uow: svc.add_conflict(
            uow,
            enterprise_id=data.enterprise_id,
            carrier_id=data.carrier_id,
            reason=data.reason,
            created_by=actor.subject,
        ),
    )
    return created_response(status, body, f"/api/v1/matches/conflicts-of-interest/{body['id']}", replayed)


@router.get(
    "/matches/conflicts-of-interest/{conflict_id}",
    response_model=ConflictOut,
    summary="One conflict of interest (staff)",
)
async def get_conflict(conflict_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    actor.require(*CURATORS)
    return JSON(await svc.get_conflict(conflict_id), headers={"ETag": etag(1)})


@router.delete(
    "/matches/conflicts-of-interest/{conflict_id}", status_code=204, summary="Remove a conflict of interest (staff)"
)
async def remove_conflict(conflict_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    actor.require(*CURATORS)
    async with svc.uow() as uow:
        await svc.remove_conflict(uow, conflict_id)
    return Response(status_code=204)


# -- curation -----------------------------------------------------------------------------------


@router.post(
    "/matches",
    response_model=MatchOut,
    status_code=201,
    summary="Accept (MatchAccepted) or reject (MatchRejected, with a structured reason) a suggested carrier",
)
async def decide_match(
    request: Request,
    data: MatchDecisionCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:

    async def create(uow: Any) -> dict[str, Any]:
        return await svc.decide(
            uow,
            demand_id=data.demand_id,
            carrier_id=data.carrier_id,
            action="accept" if data.decision == "accepted" else "reject",
            decided_by=actor.subject,
            project_manager_id=actor.person_id if actor.has(Role.PROJECT_MANAGER) else None,
            reason_code=data.reason.code.value if data.reason else None,
            reason_note=data.reason.note if data.reason else None,
        )

    async with svc.requests.request():  # before the consumer's next event
        status, body, replayed = await idempotent_create(
            svc.uow,
            idempotency_keys,
            actor=actor,
            operation="matches",
            authorize=lambda: actor.require(*CURATORS),
            key=idempotency_key,
            body=await request.body(),
            create=create,
        )
    return created_response(status, body, f"/api/v1/matches/{body['match_id']}", replayed)


@router.post(
    "/matches/offline",
    response_model=MatchOut,
    status_code=201,
    summary="Record a match made outside the suggestions (MatchAccepted, with why), to a carrier or a team of people",
)
async def record_offline_match(
    request: Request,
    data: OfflineMatchCreate,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    async with svc.requests.request():  # before the consumer's next event
        status, body, replayed = await idempotent_create(
            svc.uow,
            idempotency_keys,
            actor=actor,
            operation="matches-offline",
            authorize=lambda: actor.require(*CURATORS),
            key=idempotency_key,
            body=await request.body(),
            create=lambda uow: svc.record_match(
                uow,
                demand_id=data.demand_id,
                carrier_id=data.carrier_id,
                decided_by=actor.subject,
                project_manager_id=actor.person_id if actor.has(Role.PROJECT_MANAGER) else None,
                reason_note=data.reason,
                team=ev.MatchTeam.model_validate(data.team.model_dump()) if data.team else None,
            ),
        )
    return created_response(status, body, f"/api/v1/matches/{body['match_id']}", replayed)


@router.get(
    "/matches",
    response_model=MatchPage,
    summary="Curation decisions, newest first (staff; a carrier user sees its own)",
)
async def list_matches(
    svc: ServiceDep,
    actor: CurrentActor,
    demand_id: uuid.UUID | None = None,
    carrier_id: uuid.UUID | None = None,
    decision: Literal["accepted", "rejected"] | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    if not actor.is_staff:
        if not (actor.has(Role.CARRIER_USER) and actor.carrier_id):
            raise _forbidden("curation decisions are visible to staff and to the carriers concerned")
        if carrier_id is not None and carrier_id != actor.carrier_id:
            raise _forbidden("a carrier user sees only the decisions about its own carrier")
        carrier_id = actor.carrier_id
    # Only about demands the caller sees, as it sees them (shared.visibility).
    items, nxt = await svc.list_decisions(
        demand_id=demand_id,
        carrier_id=carrier_id,
        decision=decision,
        cursor=cursor,
        limit=limit,
        rel=visibility.relation_of(actor, None),
        caller_carrier_id=actor.carrier_id if actor.has(Role.CARRIER_USER) else None,
    )
    return JSON({"items": items, "next_cursor": nxt})


@router.get("/matches/{match_id}", response_model=MatchOut, summary="One curation decision")
async def get_match(match_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    caller_carrier = actor.carrier_id if actor.has(Role.CARRIER_USER) else None
    d, demand = await svc.get_decision(match_id, caller_carrier)
    rel = visibility.relation_of(actor, demand.enterprise_id if demand is not None else None)
    concerned = rel is Relation.CARRIER and caller_carrier == d["carrier_id"]
    if not (rel in (Relation.STAFF, Relation.OWNER) or concerned):
        raise _forbidden("this decision is visible to staff, the enterprise and the carrier concerned")
    seen = (
        visibility.sight(
            rel, demand.status, confidential=demand.confidentiality == "confidential", granted=demand.granted
        )
        if demand is not None
        else Sight.FULL
        if rel is Relation.STAFF
        else Sight.NONE
    )
    if seen is Sight.NONE:
        raise NotFound("match", match_id)
    return JSON(visibility.as_seen(d, seen), headers={"ETag": etag(1)})


# -- batch assignment ---------------------------------------------------------------------------


@router.post(
    "/match-assignments",
    response_model=BatchAssignmentOut,
    status_code=201,
    summary="Jointly assign a batch of open demands to carriers under capacity, k and a quality floor",
)
async def propose_assignment(
    request: Request,
    data: AssignmentRequest,
    svc: ServiceDep,
    actor: CurrentActor,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    status, body, replayed = await idempotent_create(
        svc.uow,
        idempotency_keys,
        actor=actor,
        operation="match-assignments",
        authorize=lambda: actor.require(*CURATORS),
        key=idempotency_key,
        body=await request.body(),
        create=lambda uow: svc.assign(
            uow,
            demand_ids=data.demand_ids,
            published_since=data.published_since,
            k=data.k,
            floor=data.floor,
            requested_by=actor.subject,
            max_demands=data.max_demands,
        ),
    )
    return created_response(status, body, f"/api/v1/match-assignments/{body['batch_id']}", replayed)


@router.get(
    "/match-assignments/{batch_id}", response_model=BatchAssignmentOut, summary="A proposed batch assignment (staff)"
)
async def get_match_assignment(batch_id: uuid.UUID, svc: ServiceDep, actor: CurrentActor) -> Response:
    actor.require(*CURATORS)
    return JSON(await svc.get_batch(batch_id), headers={"ETag": etag(1)})


@router.get(
    "/vocabulary/infer",
    response_model=list[InferredField],
    tags=["vocabulary"],
    summary="Suggest vocabulary codes for a text, best first, with a confidence (any signed-in user)",
)
async def infer_fields(
    actor: CurrentActor,
    title: Annotated[str, Query(max_length=200, description="A title: its cues count twice")] = "",
    description: Annotated[str, Query(max_length=4000)] = "",
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Response:
    ranked = inference.infer(title, description, top_k=limit)
    return JSON(
        [{"code": i.code, "zh": FIELDS[i.code].zh, "en": FIELDS[i.code].en, "confidence": i.confidence} for i in ranked]
    )
