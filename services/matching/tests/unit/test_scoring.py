"""Ranking carriers for a demand: components in [0, 1], explainable, Chinese and English."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.glossary import concepts
from services.matching.scoring import (
    DEFAULT_WEIGHTS,
    INFERRED_FIELD_TRUST,
    CarrierDoc,
    Corpus,
    DemandDoc,
    TrackEntry,
    budget_fit,
    field_overlap,
    free_capacity,
    place_key,
    rank,
    region_fit,
    text_relevance,
    track_record,
    trl_fit,
    trl_range,
    trl_span,
    typical_value,
    weighted_score,
)
from shared import vocabulary
from shared.text import tokenize


def carrier(carrier_id: str, **kw: object) -> CarrierDoc:
    base: dict[str, object] = {
        "carrier_id": carrier_id,
        "name": "研究所",
        "fields": [],
        "capabilities": "",
        "keywords": [],
        "city": "南京市",
        "province": "江苏省",
        "country": "CN",
        "capacity": 5,
        "active_load": 0,
    }
    base.update(kw)
    return CarrierDoc(**base)  # type: ignore[arg-type]


BATTERY_ZH = carrier(
    "c-battery",
    name="先进储能材料研究所",
    fields=["energy.batteries", "materials.nano"],
    capabilities="锂离子电池正极材料、固态电解质、电池循环寿命测试与失效分析",
    keywords=["锂电池", "正极材料", "固态电池"],
    city="常州市",
)
WATER_ZH = carrier(
    "c-water",
    name="膜科学技术研究所",
    fields=["environment.water"],
    capabilities="工业废水处理、反渗透膜、膜生物反应器",
    keywords=["水处理", "膜分离"],
)
CHIP_ZH = carrier(
    "c-chip",
    name="集成电路设计中心",
    fields=["ic.design"],
    capabilities="模拟芯片设计、射频电路、电源管理芯片",
    keywords=["芯片设计", "射频"],
    city="无锡市",
)
LASER_EN = carrier(
    "c-laser",
    name="Photonics Lab, University of Southampton",
    fields=["photonics.lasers"],
    capabilities="Fibre lasers, ultrafast laser processing, laser welding of dissimilar metals",
    keywords=["fibre laser", "laser welding"],
    city="Southampton",
    province=None,
    country="GB",
)
ROBOT_EN = carrier(
    "c-robot",
    name="Robotics Institute",
    fields=["manufacturing.robotics"],
    capabilities="Collaborative robots, robot grasping, machine vision for bin picking",
    keywords=["cobot", "grasping"],
    city="Pittsburgh",
    province=None,
    country="US",
)
CARRIERS = [BATTERY_ZH, WATER_ZH, CHIP_ZH, LASER_EN, ROBOT_EN]

DEMAND_ZH = DemandDoc(
    demand_id="d-1",
    title="高镍正极材料循环寿命提升",
    description="动力锂电池高镍正极材料在高温循环下容量衰减快，需要开发表面包覆工艺，提升电池循环寿命。",
    fields=["energy.batteries"],
    keywords=["正极材料", "锂电池"],
    city="常州市",
    province="江苏省",
)
DEMAND_EN = DemandDoc(
    demand_id="d-2",
    title="Laser welding of copper to aluminium busbars",
    description="We need a fibre laser welding process joining copper and aluminium battery busbars without cracks.",
    fields=["photonics.lasers"],
    keywords=["laser welding"],
    city="苏州市",
    province="江苏省",
)


# --- components ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("demand_fields", "carrier_fields", "expected"),
    [
        (["energy.batteries"], ["energy.batteries"], 1.0),
        (["energy.batteries"], ["energy"], 0.5),  # parent
        (["energy"], ["energy.batteries"], 0.5),  # child
        (["energy.batteries"], ["energy.solar"], 0.5),  # sibling
        (["energy.batteries"], ["it.ai"], 0.0),
        (["energy.batteries"], ["materials"], 0.0),
        (["energy.batteries", "it.ai"], ["energy.batteries"], 0.5),  # mean over the demand's fields
        (["energy.batteries", "it.ai"], ["it.ai", "energy.solar"], 0.75),  # best match per demand field
        ([], ["it.ai"], 0.0),
        (["it.ai"], [], 0.0),
    ],
)
def test_field_overlap(demand_fields: list[str], carrier_fields: list[str], expected: float) -> None:
    assert field_overlap(demand_fields, carrier_fields) == pytest.approx(expected)


field_codes = st.sampled_from(sorted(vocabulary.FIELDS))


@settings(max_examples=100)
@given(st.lists(field_codes, max_size=6), st.lists(field_codes, max_size=6))
def test_field_overlap_in_unit_interval(a: list[str], b: list[str]) -> None:
    assert 0.0 <= field_overlap(a, b) <= 1.0
    if a and set(a) <= set(b):
        assert field_overlap(a, b) == 1.0


def _demand_in(city: str | None, province: str | None) -> DemandDoc:
    return replace(DEMAND_ZH, city=city, province=province)


def test_region_fit_ordering() -> None:
    d = _demand_in("常州市", "江苏省")
    same_city = region_fit(d, carrier("a", city="常州市", province="江苏省"))
    same_province = region_fit(d, carrier("b", city="南京市", province="江苏省"))
    domestic = region_fit(d, carrier("c", city="深圳市", province="广东省"))
    overseas = region_fit(d, carrier("d", city="Munich", province="Bavaria", country="DE"))
    assert 1.0 == same_city > same_province > domestic > overseas > 0.0


def test_region_fit_without_location_falls_back_to_country() -> None:
    d = _demand_in(None, None)
    assert region_fit(d, carrier("a", city=None, province=None)) == region_fit(d, carrier("b", city="常州市"))
    assert region_fit(d, carrier("c", country="JP")) < region_fit(d, carrier("a"))


@pytest.mark.parametrize(
    ("capacity", "load", "expected"),
    [(5, 0, 1.0), (5, 2, 0.6), (5, 5, 0.0), (5, 9, 0.0), (0, 0, 0.0), (-1, 0, 0.0), (4, 1, 0.75)],
)
def test_free_capacity(capacity: int, load: int, expected: float) -> None:
    assert free_capacity(carrier("x", capacity=capacity, active_load=load)) == pytest.approx(expected)


@settings(max_examples=100)
@given(st.integers(-5, 1000), st.integers(0, 2000))
def test_free_capacity_in_unit_interval(capacity: int, load: int) -> None:
    assert 0.0 <= free_capacity(carrier("x", capacity=capacity, active_load=load)) <= 1.0


def test_text_relevance_basics() -> None:
    corpus = Corpus.of([Counter(tokenize("锂电池 正极"))])
    same = Counter(tokenize("锂电池正极"))
    score, terms = text_relevance(same, same, corpus)
    assert score == pytest.approx(1.0)
    assert set(terms) == set(same)
    assert text_relevance(Counter(), same, corpus) == (0.0, [])
    assert text_relevance(same, Counter(tokenize("水处理")), corpus) == (0.0, [])


texts = st.text(alphabet=st.sampled_from(list("锂电池正极材料膜水处理芯片设计 laser weld battery ")), max_size=40)


@settings(max_examples=100)
@given(texts, texts, texts)
def test_text_relevance_in_unit_interval_and_terms_shared(a: str, b: str, other: str) -> None:
    da, cb = Counter(tokenize(a)), Counter(tokenize(b))
    corpus = Corpus.of([cb, Counter(tokenize(other))])
    score, terms = text_relevance(da, cb, corpus)
    assert 0.0 <= score <= 1.0
    assert len(terms) <= 8
    assert set(terms) <= set(da) & set(cb)


# --- rank ----------------------------------------------------------------------------------------


def test_chinese_demand_ranks_the_chinese_battery_carrier_first() -> None:
    ranked = rank(DEMAND_ZH, CARRIERS)
    assert ranked[0].carrier_id == "c-battery"
    top = ranked[0]
    assert top.components["fields"] == 1.0 and top.components["region"] == 1.0
    assert top.components["text"] > 0.0
    assert {"正极", "锂电", "电池"} <= set(top.matched_terms)


def test_english_demand_ranks_the_english_laser_carrier_first() -> None:
    ranked = rank(DEMAND_EN, CARRIERS)
    assert ranked[0].carrier_id == "c-laser"
    assert {"laser", "welding"} <= set(ranked[0].matched_terms)


def test_carriers_with_no_text_and_no_field_relevance_are_omitted() -> None:
    ranked_ids = [s.carrier_id for s in rank(DEMAND_ZH, CARRIERS)]
    assert "c-water" not in ranked_ids  # nearby and free, but irrelevant
    assert "c-robot" not in ranked_ids
    assert rank(DEMAND_ZH, [WATER_ZH, ROBOT_EN]) == []
    assert rank(DEMAND_ZH, []) == []


def test_field_relevance_alone_is_enough_to_be_suggested() -> None:
    sibling = carrier("c-solar", name="光伏研究所", fields=["energy.solar"], capabilities="晶硅组件", keywords=[])
    [only] = rank(DEMAND_ZH, [sibling])
    assert only.components["text"] == 0.0 and only.components["fields"] == 0.5


@pytest.mark.parametrize("demand", [DEMAND_ZH, DEMAND_EN])
def test_matched_terms_occur_in_both_texts(demand: DemandDoc) -> None:
    dtext = " ".join([demand.title, demand.description, *demand.keywords])
    dterms = set(tokenize(dtext)) | set(concepts(dtext))
    by_id = {c.carrier_id: c for c in CARRIERS}
    for s in rank(demand, CARRIERS):
        c = by_id[s.carrier_id]
        ctext = " ".join([c.name, c.capabilities, *c.keywords])
        cterms = set(tokenize(ctext)) | set(concepts(ctext))
        # Ranked on related fields alone (no shared word), a profile shows no matched terms.
        assert bool(s.matched_terms) == (s.components["text"] > 0), s
        assert set(s.matched_terms) <= dterms & cterms


def test_components_and_score_in_unit_interval_and_sorted() -> None:
    for demand in (DEMAND_ZH, DEMAND_EN):
        ranked = rank(demand, CARRIERS)
        assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
        for s in ranked:
            # TRL and budget are left out when the demand states neither.
            assert set(s.components) == set(DEFAULT_WEIGHTS) - {"trl", "budget"}
            assert all(0.0 <= v <= 1.0 for v in s.components.values())
            assert 0.0 <= s.score <= 1.0


def _many_battery_carriers(n: int) -> list[CarrierDoc]:
    return [replace(BATTERY_ZH, carrier_id=f"c-{i:02d}", active_load=i % 6) for i in range(n)]


@pytest.mark.parametrize("top_k", [0, 1, 3, 12, 50])
def test_top_k(top_k: int) -> None:
    ranked = rank(DEMAND_ZH, _many_battery_carriers(12), top_k=top_k)
    assert len(ranked) == min(top_k, 12)


def test_default_top_k_is_ten() -> None:
    assert len(rank(DEMAND_ZH, _many_battery_carriers(15))) == 10


def test_ties_break_by_carrier_id_and_full_carriers_are_flagged() -> None:
    twins = [replace(BATTERY_ZH, carrier_id=cid) for cid in ("c-b", "c-a", "c-c")]
    assert [s.carrier_id for s in rank(DEMAND_ZH, twins)] == ["c-a", "c-b", "c-c"]
    full = replace(BATTERY_ZH, carrier_id="c-full", active_load=5)
    [s] = rank(DEMAND_ZH, [full])
    assert s.at_capacity and s.components["capacity"] == 0.0


def test_weights_change_the_order() -> None:
    # Near and free but only a field sibling, versus far, busy and textually a perfect fit.
    near_sibling = carrier(
        "c-near", name="光伏研究所", fields=["energy.solar"], capabilities="晶硅组件", city="常州市", capacity=10
    )
    far_expert = replace(BATTERY_ZH, carrier_id="c-far", city="Aachen", province=None, country="DE", active_load=4)
    pair = [near_sibling, far_expert]
    by_text = rank(DEMAND_ZH, pair, weights={"text": 1.0})
    by_place = rank(DEMAND_ZH, pair, weights={"region": 1.0, "capacity": 1.0})
    assert [s.carrier_id for s in by_text] == ["c-far", "c-near"]
    assert [s.carrier_id for s in by_place] == ["c-near", "c-far"]
    assert [s.carrier_id for s in rank(DEMAND_ZH, pair)] == ["c-far", "c-near"]


def test_score_is_the_weighted_mean_of_components() -> None:
    weights = {"text": 2.0, "fields": 1.0, "region": 1.0, "capacity": 0.0, "track_record": 0.0}
    [s] = rank(DEMAND_ZH, [BATTERY_ZH], weights=weights)
    c = s.components
    expected = (2 * c["text"] + c["fields"] + c["region"]) / 4
    assert s.score == pytest.approx(expected, abs=1e-4)


# --- the other components ---------------------------------------------------------------------


def test_region_names_compare_loosely() -> None:
    d = _demand_in("苏州", "江苏")
    assert region_fit(d, carrier("a", city="苏州市", province="江苏省")) == 1.0
    assert region_fit(d, carrier("b", city="无锡市", province="江苏省")) == 0.7
    assert place_key("Munich") == place_key("munich") == "munich"
    assert place_key("新疆维吾尔自治区") == "新疆"
    # An overseas carrier never counts as "same province" by a name clash.
    assert region_fit(_demand_in("X", "Bavaria"), carrier("c", city="Munich", province="Bavaria", country="DE")) == 0.2


def test_track_record_counts_related_fields_half_and_saturates() -> None:
    assert track_record(["energy.batteries"], ()) == 0.0
    exact = track_record(["energy.batteries"], (TrackEntry(("energy.batteries",), 0.0),))
    related = track_record(["energy.batteries"], (TrackEntry(("energy.solar",), 0.0),))
    unrelated = track_record(["energy.batteries"], (TrackEntry(("it.ai",), 5e7),))
    assert exact == pytest.approx(1 - math.exp(-1 / 3))
    assert related == pytest.approx(1 - math.exp(-0.5 / 3))
    assert unrelated == 0.0
    valuable = track_record(["energy.batteries"], (TrackEntry(("energy.batteries",), 1e7),))
    assert valuable == pytest.approx(1 - math.exp(-(1 / 3 + 1)))
    many = tuple(TrackEntry(("energy.batteries",), 5e6) for _ in range(30))
    assert 0.99 < track_record(["energy.batteries"], many) < 1.0


@settings(max_examples=200)
@given(
    st.lists(field_codes, min_size=1, max_size=3),
    st.lists(st.tuples(st.lists(field_codes, min_size=1, max_size=3), st.floats(0, 1e9)), max_size=8),
)
def test_track_record_in_unit_interval(demand_fields: list[str], entries: list[tuple[list[str], float]]) -> None:
    value = track_record(demand_fields, tuple(TrackEntry(tuple(f), v) for f, v in entries))
    assert 0.0 <= value <= 1.0


@pytest.mark.parametrize(
    ("current", "target", "kind", "expected"),
    [
        (3, 6, "research_institute", 1.0),  # 3..6 inside 3..7
        (6, 9, "research_institute", 0.5),  # 6, 7 of 6..9
        (1, 2, "rd_enterprise", 0.0),  # an enterprise works at 5..9
        (None, 8, "rd_enterprise", 1.0),  # only a target: that level
        (None, None, "research_institute", None),  # unknown: no component
    ],
)
def test_trl_fit(current: int | None, target: int | None, kind: str, expected: float | None) -> None:
    fit = trl_fit(trl_span(current, target), trl_range(carrier("x", kind=kind)))
    assert fit == (pytest.approx(expected) if expected is not None else None)


def test_trl_range_of_people_comes_from_their_roles() -> None:
    scientist = carrier("p", subject="person", roles=("strategic_scientist",))
    pm = carrier("q", subject="person", roles=("project_manager",))
    assert trl_range(scientist) == (1, 5) and trl_range(pm) == (4, 9)


@pytest.mark.parametrize(
    ("budget", "typical", "expected"),
    [(1_000_000, 500_000, 1.0), (500_000, 500_000, 1.0), (50_000, 500_000, 0.0), (158_114, 500_000, 0.5), (0, 1, 0.0)],
)
def test_budget_fit(budget: float, typical: float, expected: float) -> None:
    assert budget_fit(Decimal(budget), typical) == pytest.approx(expected, abs=1e-3)
    assert budget_fit(None, typical) is None


def test_typical_value_is_the_median_of_two_or_more_contracts_else_by_kind() -> None:
    assert typical_value(carrier("a", kind="overseas_platform")) == 1_500_000.0
    one = carrier("b", track=(TrackEntry(("it.ai",), 9e6),))
    assert typical_value(one) == 500_000.0
    three = carrier("c", track=tuple(TrackEntry(("it.ai",), v) for v in (1e5, 4e5, 9e6)))
    assert typical_value(three) == 4e5


def test_unknown_components_are_left_out_and_the_weights_renormalised() -> None:
    assert weighted_score({"text": 0.5, "fields": 1.0}, {"text": 1, "fields": 1, "trl": 5}) == pytest.approx(0.75)
    demand = replace(DEMAND_ZH, trl_current=3, trl_target=6, budget=Decimal("2000000"))
    [s] = rank(demand, [BATTERY_ZH])
    assert set(s.components) == set(DEFAULT_WEIGHTS)
    [person] = rank(demand, [replace(BATTERY_ZH, subject="person", roles=("researcher",))])
    assert "budget" not in person.components  # experts have no budget component


def test_a_chinese_demand_meets_an_english_profile_through_the_glossary() -> None:
    demand = DemandDoc("d", "固态电解质开发", "提高锂离子电池循环寿命", ["energy.batteries"], [], "苏州", "江苏")
    english = carrier(
        "c-en",
        name="Cell Lab",
        fields=["it.ai"],
        capabilities="solid electrolyte interfaces and cycle life of lithium-ion batteries",
        country="DE",
        city="Munich",
        province=None,
    )
    [s] = rank(demand, [english])
    # The text carries it: it ticked only it.ai, but its own text is about batteries (inferred).
    assert s.components["text"] > 0.0 and s.components["fields"] > 0.0
    assert {"固态电解质|solid electrolyte", "循环寿命|cycle life"} <= set(s.matched_terms)


def test_excluded_profiles_are_never_ranked() -> None:
    assert "c-battery" not in [s.carrier_id for s in rank(DEMAND_ZH, CARRIERS, exclude={"c-battery"})]


def test_field_overlap_weighs_each_demand_field_by_its_trust() -> None:
    assert field_overlap(["energy.batteries", "it.ai"], ["energy.batteries"], [1.0, 0.5]) == pytest.approx(1 / 1.5)
    assert field_overlap(["energy.batteries", "it.ai"], ["it.ai"], [1.0, 0.5]) == pytest.approx(0.5 / 1.5)
    assert field_overlap(["energy.batteries", "it.ai"], ["it.ai", "energy.batteries"], [1.0, 0.5]) == 1.0
    # Only codes trusted less than a declared one: scaled by the most trusted.
    assert field_overlap(["energy.batteries"], ["energy.batteries"], [0.5]) == pytest.approx(0.5)
    assert field_overlap(["energy.batteries", "it.ai"], ["it.ai"], [0.5, 0.5]) == pytest.approx(0.25)


def test_a_code_the_user_ticked_as_fine_counts_more_than_one_matching_chose() -> None:
    # Declared fine codes are trusted fully; a broad code (kept, or refined by the text) and a
    # code inferred from the text count INFERRED_FIELD_TRUST: they say less about the carrier.
    precise = replace(DEMAND_ZH, fields=["energy.batteries"])
    broad = replace(DEMAND_ZH, fields=["energy"])
    assert precise.field_trust == [1.0] * len(precise.match_fields)
    assert "energy.batteries" in broad.match_fields  # refined from the text
    assert broad.field_trust == [INFERRED_FIELD_TRUST] * len(broad.match_fields)
    [p] = rank(precise, [BATTERY_ZH])
    [b] = rank(broad, [BATTERY_ZH])
    assert p.components["fields"] > b.components["fields"] > 0.0
