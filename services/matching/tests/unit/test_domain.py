"""Curation rules: decisions are final, rejections lower similar suggestions and say why."""

from __future__ import annotations

import pytest

from services.matching.domain import (
    CandidateFacts,
    CurationSettings,
    Decision,
    IllegalDecision,
    ReasonCode,
    Rejection,
    apply_curation,
    check_decision,
    explain,
    rejection_adjustments,
    suggestions_differ,
)
from services.matching.scoring import DEFAULT_WEIGHTS, Scored

CFG = CurationSettings()


def scored(cid: str, score: float, terms: list[str], **components: float) -> Scored:
    comps = {"text": 0.5, "fields": 1.0, "capacity": 1.0, **components}
    return Scored(cid, score, comps, terms, comps["capacity"] == 0.0, base_score=score)


def rejection(reason: ReasonCode, **kw: object) -> Rejection:
    base: dict[str, object] = {
        "carrier_id": "rejected",
        "carrier_name": "正极材料研究所",
        "reason": reason,
        "fields": ("energy.batteries",),
        "matched_terms": ("正极", "材料", "锂电"),
    }
    base.update(kw)
    return Rejection(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "current", "action", "ok"),
    [
        ("published", Decision.SUGGESTED, "accept", True),
        ("matched", Decision.SUGGESTED, "accept", True),
        ("submitted", Decision.SUGGESTED, "accept", False),
        ("submitted", Decision.SUGGESTED, "reject", True),
        ("withdrawn", Decision.SUGGESTED, "reject", False),
        ("published", Decision.ACCEPTED, "reject", False),
        ("published", Decision.REJECTED, "accept", False),
    ],
)
def test_decision_states(state: str, current: Decision, action: str, ok: bool) -> None:
    if ok:
        check_decision(demand_state=state, current=current, action=action, was_suggested=True, in_conflict=False)
    else:
        with pytest.raises(IllegalDecision) as exc:
            check_decision(demand_state=state, current=current, action=action, was_suggested=True, in_conflict=False)
        expected = current.value if current is not Decision.SUGGESTED else state
        assert exc.value.current_state == expected


def test_only_suggested_and_unconflicted_carriers_can_be_accepted() -> None:
    with pytest.raises(ValueError, match="never suggested"):
        check_decision(
            demand_state="published",
            current=Decision.SUGGESTED,
            action="accept",
            was_suggested=False,
            in_conflict=False,
        )
    with pytest.raises(ValueError, match="conflict of interest"):
        check_decision(
            demand_state="published", current=Decision.SUGGESTED, action="accept", was_suggested=True, in_conflict=True
        )


def test_field_mismatch_lowers_in_proportion_to_what_is_shared() -> None:
    r = rejection(ReasonCode.FIELD_MISMATCH)
    close = scored("a", 0.8, ["正极", "材料", "锂电", "包覆"])
    far = scored("b", 0.7, ["热管", "管理"])
    [adj] = rejection_adjustments(close, CandidateFacts(("energy.batteries",)), [r], CFG)
    assert adj.factor == pytest.approx(1 - 0.5 * (0.5 * 1.0 + 0.5 * 0.75))
    assert "正极材料研究所" in adj.note and "field mismatch" in adj.note and "正极" in adj.note
    [adj_far] = rejection_adjustments(far, CandidateFacts(("energy.solar",)), [r], CFG)
    assert adj_far.factor > adj.factor  # only a sibling field, no shared terms
    assert rejection_adjustments(far, CandidateFacts(("it.ai",)), [r], CFG) == []


def test_no_capacity_lowers_carriers_with_little_room() -> None:
    r = rejection(ReasonCode.NO_CAPACITY)
    assert rejection_adjustments(scored("a", 0.8, [], capacity=1.0), CandidateFacts(()), [r], CFG) == []
    [adj] = rejection_adjustments(scored("b", 0.8, [], capacity=0.25), CandidateFacts(()), [r], CFG)
    assert adj.factor == CFG.capacity_factor and "little free capacity" in adj.note


def test_budget_mismatch_lowers_carriers_whose_budget_fit_is_no_better() -> None:
    r = rejection(ReasonCode.BUDGET_MISMATCH, budget_fit=0.4)
    assert rejection_adjustments(scored("a", 0.8, [], budget=0.9), CandidateFacts(()), [r], CFG) == []
    [adj] = rejection_adjustments(scored("b", 0.8, [], budget=0.3), CandidateFacts(()), [r], CFG)
    assert adj.factor == CFG.budget_factor and "budget fit" in adj.note
    assert rejection_adjustments(scored("c", 0.8, []), CandidateFacts(()), [r], CFG) == []  # no budget known


def test_already_working_together_lowers_the_enterprises_current_partners() -> None:
    r = rejection(ReasonCode.ALREADY_WORKING_TOGETHER)
    assert rejection_adjustments(scored("a", 0.8, []), CandidateFacts((), works_with_enterprise=False), [r], CFG) == []
    [adj] = rejection_adjustments(scored("b", 0.8, []), CandidateFacts((), works_with_enterprise=True), [r], CFG)
    assert adj.factor == CFG.together_factor


def test_other_lowers_nobody_else() -> None:
    r = rejection(ReasonCode.OTHER)
    assert rejection_adjustments(scored("a", 0.8, ["正极"]), CandidateFacts(("energy.batteries",)), [r], CFG) == []


def test_apply_curation_drops_the_rejected_lowers_the_similar_and_reorders() -> None:
    ranked = [
        scored("rejected", 0.9, ["正极", "材料"]),
        scored("similar", 0.85, ["正极", "材料", "锂电"]),
        scored("different", 0.8, ["热管", "管理"]),
    ]
    facts = {"similar": CandidateFacts(("energy.batteries",)), "different": CandidateFacts(("it.sensors",))}
    out = apply_curation(ranked, facts, [rejection(ReasonCode.FIELD_MISMATCH)], CFG, top_k=5)
    assert [s.carrier_id for s in out] == ["different", "similar"]
    similar = out[1]
    assert similar.score < similar.base_score == 0.85  # type: ignore[operator]
    assert similar.adjustments[0].rejected_carrier_id == "rejected"
    assert any("field mismatch" in line for line in explain(similar, DEFAULT_WEIGHTS))


def test_explanations_name_the_strongest_components_and_capacity() -> None:
    s = Scored("a", 0.6, {"text": 0.2, "fields": 1.0, "capacity": 0.0}, ["正极"], True)
    lines = explain(s, DEFAULT_WEIGHTS)
    assert lines[0].startswith("strongest: fields 1.00")
    assert "matched terms: 正极" in lines and any("at capacity" in line for line in lines)


def test_what_counts_as_a_change_of_suggestions() -> None:
    a, b = scored("a", 0.9, []), scored("b", 0.8, [])
    assert not suggestions_differ([("a", False), ("b", False)], [a, b])
    assert suggestions_differ([("b", False), ("a", False)], [a, b])  # order
    assert suggestions_differ([("a", True), ("b", False)], [a, b])  # capacity shown
    assert suggestions_differ([("a", False)], [a, b])  # who
