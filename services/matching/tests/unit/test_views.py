"""The stored view of a demand's suggestions: rendered once, spliced with the demand's status at
read time, it is byte for byte the JSON the route built from the rows on every read before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import orjson

from services.matching import views
from services.matching.domain import explain
from services.matching.scoring import DEFAULT_WEIGHTS, Scored
from shared.responses import dumps

WEIGHTS = dict(DEFAULT_WEIGHTS)
DEMAND, ENTERPRISE, SET = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()  # C: in a conflict of interest with the enterprise
LATEST = SimpleNamespace(suggestion_set_id=SET, created_at=datetime(2026, 3, 1, 8, 30, 5, 123456, UTC), trigger="x")


def carrier_row(cid: uuid.UUID, rank: int, name: str | None, **kw: Any) -> dict[str, Any]:
    row = {
        "suggestion_set_id": SET,
        "carrier_id": cid,
        "demand_id": DEMAND,
        "rank": rank,
        "score": 0.61 - rank / 10,
        "components": {"trl": 1.0, "text": 0.4321, "fields": 1.0, "capacity": 0.5},
        "matched_terms": ["固态", "电池", "solid electrolyte"],
        "at_capacity": False,
        "created_at": LATEST.created_at,
        "base_score": 0.61 - rank / 10,
        "adjustments": [],
        "name": name,
    }
    row.update(kw)
    return row


CARRIERS = [
    carrier_row(A, 1, "储能研究所"),
    carrier_row(
        B,
        2,
        None,  # a carrier whose profile is gone shows no name
        at_capacity=True,
        base_score=0.5,
        adjustments=[
            {"reason": "field_mismatch", "factor": 0.8, "note": "lowered: like X", "rejected_carrier_id": "x"}
        ],
    ),
    carrier_row(C, 3, "冲突研究院"),
]
EXPERTS = [
    {
        "person_id": uuid.uuid4(),
        "name": "王研究员",
        "carrier_id": A,
        "rank": 1,
        "score": 0.5,
        "components": {"text": 0.3},
        "matched_terms": ["电池"],
        "at_capacity": False,
    },
    {
        "person_id": uuid.uuid4(),
        "name": "李研究员",
        "carrier_id": C,
        "rank": 2,
        "score": 0.4,
        "components": {},
        "matched_terms": [],
        "at_capacity": True,
    },
    {
        "person_id": uuid.uuid4(),
        "name": "赵研究员",
        "carrier_id": None,
        "rank": 3,
        "score": 0.3,
        "components": {},
        "matched_terms": [],
        "at_capacity": False,
    },
]
ACCEPTED = SimpleNamespace(decision="accepted", match_id=uuid.uuid4())


def view_as_built_on_every_read(status: str) -> dict[str, Any]:
    """What ``GET /demands/{id}/suggestions`` built from the rows on each read before the
    view was stored (the reference)."""
    decisions = {str(A): ACCEPTED}
    conflicted = {str(C)}

    def carrier_view(r: dict[str, Any]) -> dict[str, Any]:
        s = Scored(str(r["carrier_id"]), r["score"], dict(r["components"]), list(r["matched_terms"]), r["at_capacity"])
        d = decisions.get(str(r["carrier_id"]))
        return {
            "carrier_id": r["carrier_id"],
            "name": r["name"],
            "rank": r["rank"],
            "score": r["score"],
            "base_score": r.get("base_score"),
            "components": r["components"],
            "matched_terms": r["matched_terms"],
            "at_capacity": r["at_capacity"],
            "adjustments": r.get("adjustments") or [],
            "explanation": explain(s, WEIGHTS) + [a["note"] for a in r.get("adjustments") or []],
            "decision": d.decision if d else "suggested",
            "match_id": d.match_id if d else None,
        }

    return {
        "demand_id": DEMAND,
        "status": status,
        "enterprise_id": ENTERPRISE,
        "suggestion_set_id": SET,
        "suggested_at": LATEST.created_at,
        "trigger": "x",
        "weights": WEIGHTS,
        "carriers": [carrier_view(r) for r in CARRIERS if str(r["carrier_id"]) not in conflicted],
        "experts": [
            {
                k: r[k]
                for k in (
                    "person_id",
                    "name",
                    "carrier_id",
                    "rank",
                    "score",
                    "components",
                    "matched_terms",
                    "at_capacity",
                )
            }
            for r in EXPERTS
            if not (r["carrier_id"] and str(r["carrier_id"]) in conflicted)
        ],
    }


def stored() -> str:
    return views.render(LATEST, CARRIERS, EXPERTS, {str(A): ACCEPTED}, {str(C)}, WEIGHTS)


def test_the_stored_view_spliced_with_the_status_is_the_view_built_on_every_read_before() -> None:
    for status in ("published", "matched"):
        body = views.splice(DEMAND, status, ENTERPRISE, stored())
        assert body == dumps(view_as_built_on_every_read(status))
    doc = orjson.loads(views.splice(DEMAND, "published", ENTERPRISE, stored()))
    assert [c["carrier_id"] for c in doc["carriers"]] == [str(A), str(B)]  # the conflicted one is hidden
    assert [e["name"] for e in doc["experts"]] == ["王研究员", "赵研究员"]  # and its people too
    assert doc["carriers"][0]["decision"] == "accepted" and doc["carriers"][1]["decision"] == "suggested"
    assert doc["carriers"][1]["explanation"][-1] == "lowered: like X"


def test_a_demand_without_suggestions() -> None:
    body = views.splice(DEMAND, "submitted", ENTERPRISE, views.render(None, [], [], {}, (), WEIGHTS))
    assert orjson.loads(body) == {
        "demand_id": str(DEMAND),
        "status": "submitted",
        "enterprise_id": str(ENTERPRISE),
        "suggestion_set_id": None,
        "suggested_at": None,
        "trigger": None,
        "weights": WEIGHTS,
        "carriers": [],
        "experts": [],
    }


def test_a_carrier_user_sees_its_own_entry_and_people_only() -> None:
    body = views.splice(DEMAND, "published", ENTERPRISE, stored())
    full = view_as_built_on_every_read("published")
    for carrier, entries, people in ((A, 1, 1), (B, 1, 0), (C, 0, 0), (uuid.uuid4(), 0, 0)):
        mine = str(carrier)
        as_before = {
            **full,
            "carriers": [c for c in full["carriers"] if str(c["carrier_id"]) == mine],
            "experts": [e for e in full["experts"] if e["carrier_id"] and str(e["carrier_id"]) == mine],
            "visibility": "own carrier only",
        }
        own = views.own_carrier_only(body, mine)
        assert dumps(own) == dumps(as_before)
        assert (len(own["carriers"]), len(own["experts"])) == (entries, people)


def test_the_weights_key_names_the_renderer_and_the_weights() -> None:
    assert views.weights_key(WEIGHTS) == views.weights_key(dict(WEIGHTS))
    assert views.weights_key(WEIGHTS) != views.weights_key({**WEIGHTS, "text": 0.5})
    assert views.weights_key(WEIGHTS).startswith(f"{views.RENDERER} ")  # another renderer: another key


def test_every_value_of_the_view_is_classified_and_a_teaser_shows_nothing_derived() -> None:
    from shared import visibility
    from shared.visibility import FieldClass, Sight

    body = views.splice(DEMAND, "published", ENTERPRISE, stored())
    full = orjson.loads(body)
    entries = [*full["carriers"], *full["experts"]]
    for key in {k for e in entries for k in e} | set(full) - {"carriers", "experts"}:
        assert key in visibility.FIELD_CLASSES, f"{key} shows something of a demand: classify it in shared.visibility"
    for key in {k for e in entries for k in e["components"]}:
        assert key in visibility.COMPONENT_CLASSES
    teaser = views.own_carrier_only(body, str(A), Sight.TEASER)
    assert "enterprise_id" not in teaser and teaser["visibility"] == "own carrier only"
    [mine] = teaser["carriers"]
    for key, value in mine.items():
        if visibility.field_class(key) is FieldClass.DERIVED and key != "components":
            assert value in (None, []), key
    assert set(mine["components"]) == {"fields", "capacity"}
    assert views.own_carrier_only(body, str(A), Sight.FULL) == views.own_carrier_only(body, str(A))
