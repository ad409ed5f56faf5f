"""Field inference and its use in matching (issue 19): pure, no I/O."""

from __future__ import annotations

from services.matching.domain import explain
from services.matching.index import ProfileIndex
from services.matching.inference import CUES, Inferred, infer, infer_codes, refine
from services.matching.scoring import DEFAULT_WEIGHTS, CarrierDoc, DemandDoc, Scored
from shared import vocabulary


def test_every_cue_names_a_known_code() -> None:
    assert set(CUES) <= set(vocabulary.FIELDS)


def test_symptom_wording_points_at_the_technology() -> None:
    assert infer("厂区设备夜间噪声扰民", "居民投诉噪音太大")[0].code == "acoustics.noise"
    assert infer("Our telecom cabinets overheat in summer", "they throttle when too hot")[0].code == "thermal.cooling"
    assert "energy.batteries" in infer_codes("储能电池包\n电芯一致性差，电池寿命短")


def test_confidence_is_ranked_and_bounded() -> None:
    ranked = infer("SiC MOSFET power module for an EV inverter", "碳化硅功率模块")
    assert ranked and all(0 < i.confidence < 1 for i in ranked)
    assert [i.confidence for i in ranked] == sorted((i.confidence for i in ranked), reverse=True)
    assert infer("", "") == []


def test_broad_codes_are_refined_and_contradicted_codes_dropped() -> None:
    text = [Inferred("energy.batteries", 0.8)]
    assert refine(["energy"], text) == ["energy.batteries"]
    # The text is clearly about noise control; a declared field it never mentions gives way.
    noise = [Inferred("acoustics.noise", 0.85)]
    assert refine(["agriculture"], noise) == ["acoustics.noise"]
    # No clear evidence: the declared codes stand.
    assert refine(["energy"], [Inferred("energy.batteries", 0.3)]) == ["energy"]


def _carrier(cid: str, name: str, fields: list[str], caps: str) -> CarrierDoc:
    return CarrierDoc(cid, name, fields, caps, [], "苏州", "江苏", "CN", capacity=4)


CARRIERS = [
    _carrier("c-noise", "声学与振动控制研究所", ["environment"], "工业噪声治理、隔声罩、减振降噪、声学超材料"),
    _carrier("c-water", "工业水处理研究所", ["environment.water"], "高盐废水零排放、高级氧化、膜分离"),
    _carrier("c-air", "大气污染治理中心", ["environment.air"], "VOC治理、RTO、脱硝催化"),
    _carrier("c-batt", "Battery Materials Lab", ["energy.batteries"], "cathode materials and solid electrolytes"),
]


def test_a_broad_code_no_longer_decides_the_ranking() -> None:
    index = ProfileIndex()
    for c in CARRIERS:
        index.upsert(c)
    demand = DemandDoc(
        "d", "厂区设备夜间噪声扰民", "风机和冷却塔夜间噪声超标，居民投诉", ["environment"], [], "苏州", "江苏"
    )
    assert index.search(demand, weights=DEFAULT_WEIGHTS)[0].carrier_id == "c-noise"


def test_scores_do_not_depend_on_registration_order() -> None:
    demand = DemandDoc("d", "固态电解质 solid electrolyte", "正极材料 cathode", ["energy"], [], "南京", "江苏")

    def scores(order: list[CarrierDoc]) -> list[tuple[str, float]]:
        index = ProfileIndex()
        for c in order:
            index.upsert(c)
        return [(s.carrier_id, s.score) for s in index.search(demand, weights=DEFAULT_WEIGHTS)]

    assert scores(CARRIERS) == scores(list(reversed(CARRIERS)))


def test_ties_are_broken_by_name_not_by_id() -> None:
    twins = [
        _carrier("ffff", "Alpha Noise Lab", ["environment"], "noise control"),
        _carrier("0000", "Beta Noise Lab", ["environment"], "noise control"),
    ]
    index = ProfileIndex()
    for c in twins:
        index.upsert(c)
    demand = DemandDoc("d", "noise control", "", ["environment"], [], None, None)
    ranked = index.search(demand, weights=DEFAULT_WEIGHTS)
    assert ranked[0].score == ranked[1].score
    assert [s.carrier_id for s in ranked] == ["ffff", "0000"]


def test_a_first_place_without_shared_terms_says_so() -> None:
    s = Scored("c", 0.5, {"text": 0.0, "fields": 1.0, "capacity": 1.0, "region": 1.0}, [], False)
    lines = explain(s, DEFAULT_WEIGHTS)
    assert lines[0].startswith("no shared terms with the demand")
    assert not any(line.startswith("strongest") for line in lines)
