"""The in-memory index computes exactly what the reference ranking computes, and stays exact
through updates, removals, capacity changes and compaction."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from services.matching.index import OpenDemands, ProfileIndex, _top
from services.matching.scoring import DEFAULT_WEIGHTS, CarrierDoc, DemandDoc, TrackEntry, rank
from shared import vocabulary

CODES = sorted(vocabulary.FIELDS)
ZH = "锂电池正极材料固态电解质膜水处理芯片设计射频电路激光焊接机器人视觉检测"
ZH += "催化剂光伏组件氢燃料电池生物医药抗体疫苗精密加工"
EN = "battery cathode laser welding robot grasping vision chip design membrane water catalyst solar hydrogen".split()
PLACES = [
    ("苏州", "江苏", "CN"),
    ("南京市", "江苏省", "CN"),
    ("深圳", "广东", "CN"),
    ("Munich", "Bavaria", "DE"),
    (None, None, "CN"),
]
KINDS = ["research_institute", "university_domestic", "overseas_platform", "rd_enterprise", "incubator"]


def _text(rng: random.Random) -> str:
    zh = "".join(rng.choice(ZH) for _ in range(rng.randint(4, 40)))
    return zh + " " + " ".join(rng.choice(EN) for _ in range(rng.randint(0, 8)))


def profiles(n: int, *, experts: bool = False, seed: int = 1) -> list[CarrierDoc]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        city, prov, country = rng.choice(PLACES)
        track = tuple(
            TrackEntry(tuple(rng.sample(CODES, rng.randint(1, 2))), rng.choice([1e5, 5e5, 2e6, 3e7]))
            for _ in range(rng.randint(0, 3))
        )
        out.append(
            CarrierDoc(
                f"p{i:03d}",
                f"名{i}",
                rng.sample(CODES, rng.randint(0, 3)),
                _text(rng),
                [_text(rng)[:4]],
                city,
                prov,
                country,
                rng.randint(0, 5),
                rng.randint(0, 5),
                kind=rng.choice(KINDS),
                track=track,
                subject="person" if experts else "carrier",
                roles=(rng.choice(["researcher", "postdoc", "project_manager"]),) if experts else (),
                affiliation=f"carrier-{i % 7}" if experts else None,
            )
        )
    return out


def demands(n: int, seed: int = 2) -> list[DemandDoc]:
    rng = random.Random(seed)
    out = []
    for j in range(n):
        city, prov, _ = rng.choice(PLACES)
        out.append(
            DemandDoc(
                f"d{j}",
                _text(rng)[:20],
                _text(rng),
                rng.sample(CODES, rng.randint(1, 3)),
                [],
                city,
                prov,
                trl_current=rng.choice([None, 2, 4]),
                trl_target=rng.choice([None, 6, 8]),
                budget=rng.choice([None, Decimal("100000"), Decimal("3000000")]),
            )
        )
    return out


def build(docs: list[CarrierDoc], **kw: Any) -> ProfileIndex:
    index = ProfileIndex(experts=docs[0].subject == "person", **kw)
    for d in docs:
        index.upsert(d)
    index.refresh_norms()
    return index


def same(a: list[Any], b: list[Any]) -> None:
    assert [(s.carrier_id, s.score, s.components, s.matched_terms, s.at_capacity) for s in a] == [
        (s.carrier_id, s.score, s.components, s.matched_terms, s.at_capacity) for s in b
    ]


@pytest.mark.parametrize(("n", "k"), [(100_000, 64), (80_000, 30), (20_000, 5000), (3000, 10), (50, 50)])
def test_top_finds_the_k_largest_values(n: int, k: int) -> None:
    rng = np.random.default_rng(n + k)
    values = rng.random(n).round(3)  # ties too
    values[rng.random(n) < 0.4] = 0.0
    values[rng.random(n) < 0.2] = -np.inf
    top = _top(values, k)
    assert top.size == min(k, n) == np.unique(top).size
    assert sorted(values[top].tolist()) == sorted(values.tolist())[-k:]


def test_top_when_few_values_stand_out() -> None:
    values = np.full(100_000, -np.inf)
    values[[7, 70_000]] = 1.0
    top = _top(values, 30)
    assert top.size == 30 and {7, 70_000} <= set(top.tolist())


@pytest.mark.parametrize("experts", [False, True])
def test_the_index_ranks_exactly_as_the_reference(experts: bool) -> None:
    docs = profiles(250, experts=experts)
    index = build(docs)
    rng = random.Random(3)
    for demand in demands(60):
        exclude = {f"p{rng.randrange(250):03d}" for _ in range(5)}
        same(
            index.search(demand, weights=DEFAULT_WEIGHTS, top_k=10, exclude=exclude),
            rank(demand, docs, exclude=exclude),
        )


def test_other_weights_and_top_k() -> None:
    docs = profiles(120)
    index = build(docs)
    weights = {"text": 0.2, "fields": 0.1, "region": 0.4, "capacity": 0.3}
    for demand in demands(20):
        same(index.search(demand, weights=weights, top_k=25), rank(demand, docs, weights=weights, top_k=25))


def test_updates_and_removals_keep_it_exact() -> None:
    docs = profiles(200)
    index = build(docs)
    rng = random.Random(5)
    current = {d.carrier_id: d for d in docs}
    for i in range(150):  # enough to cross the compaction threshold of dead slots? not at 200: forced below
        pid = f"p{rng.randrange(200):03d}"
        if i % 10 == 0:
            index.remove(pid)
            current.pop(pid, None)
        else:
            new = replace(
                current.get(pid, docs[0]), carrier_id=pid, capabilities=_text(rng), fields=rng.sample(CODES, 2)
            )
            index.upsert(new)
            current[pid] = new
    index.refresh_norms()
    live = list(current.values())
    for demand in demands(30, seed=9):
        same(index.search(demand, weights=DEFAULT_WEIGHTS), rank(demand, live))
    index.compact()
    assert index.n_slots == len(live)
    for demand in demands(30, seed=9):
        same(index.search(demand, weights=DEFAULT_WEIGHTS), rank(demand, live))


def test_an_updated_profile_no_longer_matches_its_old_text() -> None:
    water = CarrierDoc("w", "膜研究所", ["environment.water"], "反渗透膜水处理", ["水处理"], None, None, "CN", 3)
    battery = CarrierDoc("b", "电池研究所", ["energy.batteries"], "锂电池正极材料", ["锂电池"], None, None, "CN", 3)
    index = build([water, battery])
    demand = DemandDoc("d", "反渗透膜", "工业废水的反渗透膜处理", ["environment.water"], [], None, None)
    assert [s.carrier_id for s in index.search(demand, weights=DEFAULT_WEIGHTS)] == ["w"]
    index.upsert(replace(water, capabilities="光伏组件", fields=["energy.solar"], keywords=[]))
    assert index.search(demand, weights=DEFAULT_WEIGHTS) == []


def test_a_capacity_change_is_seen_at_once_and_full_profiles_are_flagged_not_dropped() -> None:
    docs = [
        CarrierDoc(f"c{i}", "电池研究所", ["energy.batteries"], "锂电池正极材料", [], None, None, "CN", 4)
        for i in range(3)
    ]
    index = build(docs)
    demand = DemandDoc("d", "锂电池正极", "正极材料", ["energy.batteries"], [], None, None)
    assert [s.at_capacity for s in index.search(demand, weights=DEFAULT_WEIGHTS)] == [False] * 3
    assert index.set_capacity("c0", 4, 4)
    result = {s.carrier_id: s for s in index.search(demand, weights=DEFAULT_WEIGHTS)}
    assert result["c0"].at_capacity and result["c0"].components["capacity"] == 0.0
    assert result["c0"].score < result["c1"].score


def test_experts_of_a_conflicted_carrier_are_excluded() -> None:
    docs = profiles(60, experts=True)
    index = build(docs)
    for demand in demands(10):
        found = index.search(demand, weights=DEFAULT_WEIGHTS, top_k=60, exclude_affiliated={"carrier-3"})
        assert all(index.affiliation_of[s.carrier_id] != "carrier-3" for s in found)
        expected = rank(demand, docs, top_k=60, exclude={d.carrier_id for d in docs if d.affiliation == "carrier-3"})
        same(found, expected)


def test_with_common_terms_pruned_the_reported_scores_stay_exact() -> None:
    docs = profiles(300)
    index = build(docs, prune_df=0.05, prune_min_docs=10)
    for demand in demands(30):
        found = index.search(demand, weights=DEFAULT_WEIGHTS)
        reference = {s.carrier_id: s for s in rank(demand, docs, top_k=300)}
        for s in found:
            assert (s.score, s.components, s.matched_terms) == (
                reference[s.carrier_id].score,
                reference[s.carrier_id].components,
                reference[s.carrier_id].matched_terms,
            )


@pytest.mark.parametrize("prune", [False, True])
def test_searches_between_updates_see_every_update(prune: bool) -> None:
    # What the index keeps for its reads between writes (idf of every term, inverse norms, the
    # largest tf of a term) must follow each write: search, change a profile, search again.
    docs = profiles(220, seed=11)
    index = build(docs, prune_df=0.05, prune_min_docs=10 if prune else 10**9)
    rng = random.Random(13)
    current = {d.carrier_id: d for d in docs}
    for i, demand in enumerate(demands(40, seed=17)):
        pid = f"p{rng.randrange(220):03d}"
        if i % 7 == 3:
            index.remove(pid)
            current.pop(pid, None)
        else:  # a few profiles now say what the demand says: its terms' idf moves
            changed = [f"q{i}a", f"q{i}b"] if i % 2 else [pid, f"p{rng.randrange(220):03d}"]  # new or changed
            for one in changed:
                text = demand.title + _text(rng) + " " + " ".join(rng.choice(EN) for _ in range(rng.randint(0, 30)))
                new = replace(current.get(one, docs[0]), carrier_id=one, capabilities=text)
                index.upsert(new)
                current[one] = new
        if i % 10 == 9:
            index.compact()
        found = index.search(demand, weights=DEFAULT_WEIGHTS)
        reference = rank(demand, list(current.values()), top_k=300)
        if not prune:
            same(found, reference[:10])
            continue
        by_id = {s.carrier_id: s for s in reference}
        for s in found:
            assert (s.score, s.components, s.matched_terms) == (
                by_id[s.carrier_id].score,
                by_id[s.carrier_id].components,
                by_id[s.carrier_id].matched_terms,
            )


def test_a_floor_keeps_only_scores_at_or_above_it() -> None:
    docs = profiles(150)
    index = build(docs)
    for demand in demands(15):
        found = index.search(demand, weights=DEFAULT_WEIGHTS, top_k=50, floor=0.4)
        assert all(s.score >= 0.4 for s in found)
        assert [s.carrier_id for s in found] == [s.carrier_id for s in rank(demand, docs, top_k=150) if s.score >= 0.4][
            :50
        ]


def test_profiles_of_the_wrong_kind_are_refused() -> None:
    with pytest.raises(ValueError):
        ProfileIndex(experts=True).upsert(profiles(1)[0])


def test_open_demands_find_who_a_changed_profile_affects() -> None:
    battery = CarrierDoc(
        "b", "电池研究所", ["energy.batteries"], "锂电池正极材料与固态电解质", ["锂电池"], "苏州", "江苏", "CN", 3
    )
    chip = CarrierDoc("c", "芯片中心", ["ic.design"], "模拟芯片设计 射频电路", ["芯片设计"], "无锡", "江苏", "CN", 3)
    index = build([battery, chip])
    weights = DEFAULT_WEIGHTS
    open_demands = OpenDemands()
    battery_demand = DemandDoc("d-bat", "固态电解质", "锂电池固态电解质开发", ["energy.batteries"], [], "苏州", "江苏")
    water_demand = DemandDoc("d-water", "废水处理", "印染废水反渗透", ["environment.water"], [], "苏州", "江苏")
    for d in (battery_demand, water_demand):
        open_demands.upsert(d)
        open_demands.set_top("carriers", d.demand_id, index.search(d, weights=weights, top_k=1), 1)
    assert open_demands.tops["carriers"]["d-bat"].members == frozenset({"b"})

    # A better battery carrier: affects the battery demand only.
    better = CarrierDoc(
        "n",
        "固态电池研究中心",
        ["energy.batteries"],
        "锂电池固态电解质开发 固态电解质",
        ["固态电解质"],
        "苏州",
        "江苏",
        "CN",
        3,
    )
    index.upsert(better)
    assert open_demands.affected_by("carriers", better, index, weights) == ["d-bat"]
    # The chip centre changes: it is in no top and relevant to neither demand.
    chip2 = replace(chip, capabilities="数字芯片设计")
    index.upsert(chip2)
    assert open_demands.affected_by("carriers", chip2, index, weights) == []
    # A member changes (even for the worse): its demand is affected.
    worse = replace(battery, active_load=3)
    index.upsert(worse)
    assert open_demands.affected_by("carriers", worse, index, weights) == ["d-bat"]
    open_demands.remove("d-bat")
    assert open_demands.affected_by("carriers", better, index, weights) == []
