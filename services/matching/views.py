"""The suggestions of a demand as ``GET /demands/{id}/suggestions`` shows them, rendered to JSON
once, when they change, and stored (``suggestion_views``); a read splices in the demand's id,
status and enterprise and returns the stored bytes.

Pure functions: what the rows say in, JSON text out. The view itself is:

``{"demand_id", "status", "enterprise_id", "suggestion_set_id", "suggested_at", "trigger",
"weights", "carriers": [...], "experts": [...]}``; the stored part starts at
``suggestion_set_id``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import orjson

from services.matching import domain
from services.matching.domain import Decision
from services.matching.scoring import Scored
from shared import visibility
from shared.responses import dumps
from shared.visibility import Sight

# The version of ``render``'s output: bump it with any change to what it shows, so that the views
# stored by the previous release are never served (a read renders them afresh until
# ``itp views refresh`` stores them again).
RENDERER = 1


def weights_key(weights: Mapping[str, float]) -> str:
    """What a view is rendered with, stored beside it (``suggestion_views.weights``): the renderer's
    version and the weights. A view stored with another key (another renderer, other weights, or
    none: a placeholder) is not served; the read renders it afresh."""
    return f"{RENDERER} {dumps(weights).decode()}"


def _carrier(r: Mapping[str, Any], decision: Any, weights: Mapping[str, float]) -> dict[str, Any]:
    s = Scored(str(r["carrier_id"]), r["score"], dict(r["components"]), list(r["matched_terms"]), r["at_capacity"])
    adjustments = r.get("adjustments") or []
    return {
        "carrier_id": r["carrier_id"],
        "name": r["name"],
        "rank": r["rank"],
        "score": r["score"],
        "base_score": r.get("base_score"),
        "components": r["components"],
        "matched_terms": r["matched_terms"],
        "at_capacity": r["at_capacity"],
        "adjustments": adjustments,
        "explanation": domain.explain(s, weights) + [a["note"] for a in adjustments],
        "decision": decision.decision if decision else Decision.SUGGESTED.value,
        "match_id": decision.match_id if decision else None,
    }


def _expert(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "person_id": r["person_id"],
        "name": r["name"],
        "carrier_id": r["carrier_id"],
        "rank": r["rank"],
        "score": r["score"],
        "components": r["components"],
        "matched_terms": r["matched_terms"],
        "at_capacity": r["at_capacity"],
    }


def render(
    latest: Any,
    carriers: Sequence[Mapping[str, Any]],
    experts: Sequence[Mapping[str, Any]],
    decisions: Mapping[str, Any],
    conflicted: Collection[str],
    weights: Mapping[str, float],
) -> str:
    """The stored part of the view of a demand's latest suggestion set (``latest``, None when
    there is none): its carriers (with their names, explanations and curation decisions, keyed
    by carrier id) and experts, ranked; carriers in a conflict of interest with the demand's
    enterprise, and the experts of such carriers, left out."""
    return dumps(
        {
            "suggestion_set_id": latest.suggestion_set_id if latest else None,
            "suggested_at": latest.created_at if latest else None,
            "trigger": latest.trigger if latest else None,
            "weights": weights,
            "carriers": [
                _carrier(r, decisions.get(str(r["carrier_id"])), weights)
                for r in carriers
                if str(r["carrier_id"]) not in conflicted
            ],
            "experts": [_expert(r) for r in experts if not (r["carrier_id"] and str(r["carrier_id"]) in conflicted)],
        }
    ).decode()


def splice(demand_id: Any, status: str, enterprise_id: Any, stored: str) -> bytes:
    """The whole view: the demand's id, status and enterprise, then the stored part."""
    return (
        f'{{"demand_id":"{demand_id}","status":{orjson.dumps(status).decode()},'
        f'"enterprise_id":"{enterprise_id}",{stored[1:]}'
    ).encode()


def own_carrier_only(view: bytes, carrier_id: str, seen: Sight = Sight.FULL) -> dict[str, Any]:
    """The view as a carrier's user sees it: that carrier's entry and its people only, and, when
    the user may see only the demand's teaser (``seen``), nothing of the demand's hidden details
    nor anything derived from them (matched terms, scores, ranks, explanations: ``shared.visibility``)."""
    doc: dict[str, Any] = orjson.loads(view)
    carriers = [c for c in doc.pop("carriers") if str(c["carrier_id"]) == carrier_id]
    experts = [e for e in doc.pop("experts") if e["carrier_id"] and str(e["carrier_id"]) == carrier_id]
    if seen is not Sight.FULL:
        doc = visibility.as_seen(doc, seen)
        carriers = [visibility.as_seen(c, seen) for c in carriers]
        experts = [visibility.as_seen(e, seen) for e in experts]
    return {**doc, "carriers": carriers, "experts": experts, "visibility": "own carrier only"}


def inbox_item(row: Mapping[str, Any]) -> dict[str, Any]:
    """One demand of a carrier's inbox; ``row["full"]``: whether the caller may see what is derived
    from the demand's hidden details (else its teaser only, ``shared.visibility``)."""
    item = {k: v for k, v in row.items() if k != "full"}
    return item if row["full"] else visibility.as_seen(item, Sight.TEASER)
