"""The dashboard's pure rules: months, type filters, redaction, the SSE wire format, breakdowns."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import orjson
import pytest

from services.dashboard import domain
from services.dashboard.domain import Audience, Metrics
from shared.auth import Role
from shared.visibility import Sight

KNOWN = frozenset({"DemandSubmitted", "ContractSigned", "PersonRegistered"})


def test_money_is_exact_with_two_places() -> None:
    assert str(domain.money(None)) == "0.00"
    assert str(domain.money(Decimal("2500000"))) == "2500000.00"
    assert str(domain.money(1300000.5)) == "1300000.50"  # SQLite hands back floats
    assert str(domain.money("0.1")) == "0.10"


def test_short_type_names() -> None:
    assert domain.short_type("cn.jitri.itp.DemandSubmitted.v1") == "DemandSubmitted"
    assert domain.short_type("cn.jitri.itp.ContractSigned.v12") == "ContractSigned"
    assert domain.short_type("DemandSubmitted") == "DemandSubmitted"
    assert domain.short_type("org.example.Other.v1") == "org.example.Other.v1"


def test_the_type_filter_takes_short_names_or_cloudevents_types() -> None:
    assert domain.parse_type_filter(None, KNOWN) is None
    assert domain.parse_type_filter(" ", KNOWN) is None
    assert domain.parse_type_filter("DemandSubmitted, cn.jitri.itp.ContractSigned.v1,", KNOWN) == {
        "DemandSubmitted",
        "ContractSigned",
    }


def test_the_type_filter_refuses_unknown_names() -> None:
    with pytest.raises(domain.UnknownEventTypes) as err:
        domain.parse_type_filter("DemandSubmitted,Nope", KNOWN)
    assert err.value.unknown == ["Nope"]
    assert err.value.known == sorted(KNOWN)


@pytest.mark.parametrize(
    ("roles", "audience"),
    [
        ({Role.ADMIN}, Audience.FULL),
        ({Role.OPERATOR, Role.DASHBOARD_VIEWER}, Audience.FULL),
        ({Role.PROJECT_MANAGER}, Audience.STAFF),
        ({Role.PROJECT_MANAGER, Role.DASHBOARD_VIEWER}, Audience.STAFF),
        ({Role.DASHBOARD_VIEWER}, Audience.VIEWER),
    ],
)
def test_audiences(roles: set[Role], audience: Audience) -> None:
    assert domain.audience_for(roles) is audience


DEMAND = {
    "demand_id": "d",
    "enterprise_id": "e",
    "title": "标题",
    "description": "机密",
    "keywords": ["k"],
    "fields": ["ic.power"],
    "budget": "100.00",
    "city": "苏州",
    "confidentiality": "confidential",
    "submitted_at": "2026-01-01T00:00:00Z",
}


def test_viewers_see_a_confidential_demand_as_its_teaser() -> None:
    view = domain.stream_view("DemandSubmitted", DEMAND, Audience.VIEWER, seen=Sight.TEASER)
    assert view == {  # the teaser of shared.visibility: not even whose demand it is
        "demand_id": "d",
        "title": "标题",
        "fields": ["ic.power"],
        "confidentiality": "confidential",
        "teaser": True,
    }
    assert domain.stream_view("DemandSubmitted", DEMAND, Audience.STAFF, seen=Sight.TEASER) == DEMAND
    assert domain.stream_view("DemandSubmitted", DEMAND, Audience.VIEWER, seen=Sight.FULL) == DEMAND


def test_viewers_see_no_details_of_a_confidential_demand_in_updates_and_matches() -> None:
    update = {"demand_id": "d", "changed": {"description": "新", "budget": "1.00", "title": "新标题"}, "version": 2}
    view = domain.stream_view("DemandUpdated", update, Audience.VIEWER, seen=Sight.TEASER)
    assert view["changed"] == {"title": "新标题"} and view["teaser"] is True
    match = {"demand_id": "d", "budget": "9.00", "demand_title": "t"}
    assert "budget" not in domain.stream_view("MatchAccepted", match, Audience.VIEWER, seen=Sight.TEASER)


def test_viewers_see_nothing_derived_from_a_confidential_demands_text_in_suggestions() -> None:
    carrier = {
        "carrier_id": "c",
        "rank": 1,
        "score": 0.7,
        "components": {"text": 0.5, "fields": 1.0},
        "matched_terms": ["钙钛", "钛矿"],
        "at_capacity": False,
        "notes": ["lowered: shares terms 钙钛"],
    }
    expert = {"person_id": "p", "carrier_id": "c", "rank": 1, "score": 0.5, "components": {}, "matched_terms": ["钙钛"]}
    suggested = {"demand_id": "d", "suggestion_set_id": "s", "carriers": [carrier], "experts": [expert]}
    view = domain.stream_view("MatchesSuggested", suggested, Audience.VIEWER, seen=Sight.TEASER)
    assert "钙钛" not in orjson.dumps(view).decode()
    assert view["carriers"] == [
        {
            "carrier_id": "c",
            "rank": None,
            "score": None,
            "components": {"fields": 1.0},
            "matched_terms": [],
            "at_capacity": False,
            "notes": [],
            "teaser": True,
        }
    ]
    assert domain.stream_view("MatchesSuggested", suggested, Audience.VIEWER, seen=Sight.FULL) == suggested
    assert domain.stream_view("MatchesSuggested", suggested, Audience.STAFF, seen=Sight.TEASER) == suggested


def test_viewers_see_no_scores_or_notes_of_a_batch_assignment() -> None:
    proposal = {"demand_id": "d", "carrier_ids": ["c"], "scores": [0.7], "notes": ["matched terms: 钙钛, 钛矿"]}
    batch = {"batch_id": "b", "proposals": [proposal], "unserved": [], "total_score": 0.7}
    view = domain.stream_view("AssignmentProposed", batch, Audience.VIEWER, seen=Sight.FULL)
    assert view["proposals"] == [{"demand_id": "d", "carrier_ids": ["c"], "scores": [], "notes": [], "teaser": True}]
    assert domain.stream_view("AssignmentProposed", batch, Audience.STAFF, seen=Sight.FULL) == batch


def test_viewers_see_which_contract_terms_changed_not_the_terms_nor_reasons() -> None:
    amended = {"contract_id": "c", "changes": {"scope": "机密范围", "value": "10.00"}, "value": "10.00"}
    assert domain.stream_view("ContractAmended", amended, Audience.VIEWER, seen=Sight.FULL)["changes"] == [
        "scope",
        "value",
    ]
    terminated = {"contract_id": "c", "reason": "机密原因", "cancelled_milestones": 1}
    assert "reason" not in domain.stream_view("ContractTerminated", terminated, Audience.VIEWER, seen=Sight.FULL)
    assert domain.stream_view("ContractAmended", amended, Audience.STAFF, seen=Sight.TEASER) == amended


def test_personal_data_of_people_only_reaches_operators() -> None:
    person = {"person_id": "p", "name": "王", "university": "东南大学", "roles": ["researcher"]}
    assert domain.stream_view("PersonRegistered", person, Audience.FULL, seen=Sight.FULL) == person
    for audience in (Audience.STAFF, Audience.VIEWER):
        assert domain.stream_view("PersonRegistered", person, audience, seen=Sight.FULL) == {
            "person_id": "p",
            "roles": ["researcher"],
        }


def test_an_sse_frame_is_id_event_and_one_line_of_compact_json() -> None:
    frame = domain.sse_frame("abc", "DemandSubmitted", {"type": "DemandSubmitted", "data": {"t": "多行\n文本"}})
    text = frame.decode()
    assert text.endswith("\n\n")
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "id: abc" and lines[1] == "event: DemandSubmitted"
    assert lines[2].startswith("data: {") and len(lines) == 3
    assert json.loads(lines[2][len("data: ") :]) == {"type": "DemandSubmitted", "data": {"t": "多行\n文本"}}
    # A line break in an id or a type cannot start a forged field.
    assert domain.sse_frame("a\nevent: x", "T", {}).count(b"\n") == 4
    assert domain.sse_comment("hi") == b": hi\n\n"


def test_updates_set_only_the_attributes_they_change() -> None:
    center = uuid.uuid4()
    attrs = domain.attributes_from_changes({"budget": "12.30", "center_id": str(center), "title": "x"})
    assert attrs.given() == {"budget": Decimal("12.30"), "center_id": center}
    assert domain.attributes_from_changes({"budget": None, "center_id": None}).given() == {
        "budget": None,
        "center_id": None,
    }
    assert domain.attributes_from_changes({"fields": ["a", "b", "a"], "confidentiality": "public"}).given() == {
        "fields": ("a", "b"),
        "confidential": False,
    }


def test_rows_of_several_queries_add_up_per_key() -> None:
    merged = domain.merge_rows(
        [("a", {"submitted": 2, "intended": Decimal("10.10")}), (None, {"submitted": 1, "intended": None})],
        [("a", {"contracts": 1, "contracted_value": Decimal("5")}), ("b", {"contracts": 1, "contracted_value": 7})],
        [("a", {"paid": "0.5"})],
    )
    assert merged["a"] == Metrics(
        submitted=2, intended=Decimal("10.10"), contracts=1, contracted_value=Decimal("5.00"), paid=Decimal("0.50")
    )
    assert merged[None].submitted == 1 and merged[None].intended == Decimal("0.00")
    assert merged["b"].contracted_value == Decimal("7.00")


def test_breakdowns_put_the_busiest_first_and_label_them() -> None:
    merged = domain.merge_rows(
        [("c1", {"submitted": 1}), ("c2", {"submitted": 3}), (None, {"submitted": 3})],
        [("c1", {"contracts": 4})],
    )
    rows, total = domain.breakdown("center", merged, {"c2": "中心二"}, limit=2)
    assert total == 3
    assert [(r["key"], r["label"]) for r in rows] == [("c2", "中心二"), (None, "未指定 Unassigned")]
    fields, _ = domain.breakdown("field", domain.merge_rows([("ic.power", {"submitted": 1})]), {}, limit=5)
    assert fields[0]["label"] == "功率半导体 Power semiconductors"


def test_the_month_breakdown_keeps_the_newest_months_in_order() -> None:
    merged = domain.merge_rows([(m, {"submitted": 1}) for m in ("2025-11", "2026-02", "2025-12", "2026-01")])
    rows, total = domain.breakdown("month", merged, {}, limit=3)
    assert [r["key"] for r in rows] == ["2025-12", "2026-01", "2026-02"] and total == 4


# -- k-anonymity of the intended investment --------------------------------------------------


def rows(**confidential: int) -> dict[domain.Key, Metrics]:
    return {
        key: Metrics(submitted=n + 1, intended=Decimal(100 * (n + 1)), confidential=n)
        for key, n in confidential.items()
    }


def test_a_row_of_fewer_than_k_confidential_budgets_is_hidden_with_a_complement() -> None:
    merged = rows(lonely=1, crowd=5, big=9, public=0)
    hidden = domain.protect_intended(merged, 3, partition=True)
    # ``lonely`` alone would be total minus the others: the safe row with the fewest secrets joins it.
    assert hidden == {"lonely", "crowd"}
    shown, _ = domain.breakdown("center", merged, {}, 10, hidden)
    assert {r["key"]: (r["intended"], r["suppressed"]) for r in shown} == {
        "lonely": (None, ["intended"]),
        "crowd": (None, ["intended"]),
        "big": (Decimal("1000"), []),
        "public": (Decimal("100"), []),
    }


def test_sensitive_rows_that_add_up_k_secrets_together_need_no_complement() -> None:
    assert domain.protect_intended(rows(a=1, b=2, c=4), 3, partition=True) == {"a", "b"}
    # Not a partition (a demand counts in each of its fields): a and b may be one secret twice.
    assert domain.protect_intended(rows(a=1, b=2, c=4), 3, partition=False) == {"a", "b", "c"}


def test_without_a_safe_row_every_row_with_a_secret_is_hidden_and_the_total_when_fewer_than_k() -> None:
    assert domain.protect_intended(rows(a=1, b=1, p=0), 3, partition=True) == {"a", "b"}
    assert domain.total_suppressed(2, 3) and not domain.total_suppressed(3, 3) and not domain.total_suppressed(0, 3)
    assert domain.protect_intended(rows(a=1, b=1, c=1, p=0), 3, partition=False) == {"a", "b", "c"}


def test_k_of_one_or_no_secrets_hide_nothing() -> None:
    assert domain.protect_intended(rows(a=1, b=2), 1, partition=True) == set()
    assert domain.protect_intended(rows(a=0, b=0), 3, partition=True) == set()
    assert domain.protect_intended(rows(a=3, b=7), 3, partition=True) == set()


@pytest.mark.parametrize("seed", range(200))
def test_no_subtraction_of_shown_figures_from_the_total_isolates_fewer_than_k_secrets(seed: int) -> None:
    """In a partition, what a viewer can compute about the hidden rows is their sum (the total
    minus the rows shown): it always adds up k secrets or more, or the total is hidden too."""
    import random

    rnd = random.Random(seed)
    k = rnd.randint(2, 4)
    merged = rows(**{f"r{i}": rnd.choice([0, 0, 1, 1, 2, 3, 5]) for i in range(rnd.randint(1, 6))})
    hidden = domain.protect_intended(merged, k, partition=True)
    total = sum(m.confidential for m in merged.values())
    assert all(merged[key].confidential in (0,) or merged[key].confidential >= k for key in merged.keys() - hidden)
    if hidden:
        assert sum(merged[key].confidential for key in hidden) >= k or domain.total_suppressed(total, k)


def test_a_viewer_sees_a_demand_from_its_publication_until_it_leaves() -> None:
    def state(**stages: str) -> str:
        return domain.demand_state({f"{k}_at": v for k, v in stages.items()})

    assert state() == "draft" and state(submitted="t") == "submitted"
    assert state(submitted="t", published="t", matched="t") == "matched"
    assert state(submitted="t", published="t", completed="t") == "closed"
    assert state(submitted="t", published="t", withdrawn="t") == "withdrawn"
    assert domain.viewer_sight(None, False) is Sight.NONE  # not known yet: fails closed
    assert domain.viewer_sight("submitted", False) is Sight.NONE
    assert domain.viewer_sight("published", False) is Sight.FULL
    assert domain.viewer_sight("published", None) is Sight.TEASER  # confidentiality not known yet
    assert domain.viewer_sight("contracted", True) is Sight.TEASER
    assert domain.viewer_sight("withdrawn", False) is Sight.NONE


def test_the_demand_an_event_is_about() -> None:
    assert domain.demand_of("DemandSubmitted", {"demand_id": "d"}) == "d"
    assert domain.demand_of("AssignmentMade", {"target_type": "demand", "target_id": "d", "demand_id": None}) == "d"
    assert domain.demand_of("AssignmentMade", {"target_type": "contract", "target_id": "c"}) is None
    assert domain.demand_of("CarrierRegistered", {"carrier_id": "c"}) is None
