"""Field inference and its use in matching (issue 19): pure, no I/O."""

from __future__ import annotations

from services.matching.domain import explain
from services.matching.index import ProfileIndex
from services.matching.inference import CUES, Inferred, confirm, infer, infer_codes, neighbour_mass, refine
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


def test_the_nearest_profiles_say_which_codes_a_text_is_about() -> None:
    near = [
        ("a", 0.40, ["thermal.cooling", "it.communications"]),
        ("b", 0.30, ["thermal.cooling"]),
        ("c", 0.10, ["it.software"]),  # below NEIGHBOUR_SHARE of the best: not a near neighbour
        ("d", 0.0, ["energy.batteries"]),
    ]
    fine, groups = neighbour_mass(near)
    assert fine == {"thermal.cooling": 1.0, "it.communications": 0.4 / 0.7}
    assert groups == {"thermal": 1.0, "it": 0.4 / 0.7}
    assert neighbour_mass(reversed(near)) == (fine, groups)  # order-independent
    assert neighbour_mass([]) == ({}, {})


def test_codes_matching_chose_are_confirmed_by_the_nearest_profiles() -> None:
    near = [("a", 0.4, ["thermal.cooling"]), ("b", 0.3, ["energy.batteries", "energy"])]
    # A broad code becomes the fine codes of its field the near profiles hold, by their share.
    codes, trust = confirm(["energy"], [0.5], near)
    assert codes == ["energy.batteries"] and trust[0] == round(0.5 * 0.3 / 0.7 * 1024) / 1024
    # A chosen code whose field no near profile is in counts for nothing; a declared fine one stays.
    assert confirm(["it.software", "biomed.drugs"], [0.5, 1.0], near) == (["biomed.drugs"], [1.0])
    # No text evidence at all: nothing changes.
    assert confirm(["it"], [0.5], [("a", 0.0, ["thermal.cooling"])]) == (["it"], [0.5])


def test_a_broad_tick_the_text_contradicts_does_not_outrank_the_text() -> None:
    cooling = CarrierDoc(
        "cool", "散热研究所", ["energy"], "机柜风道设计 翅片优化 电子设备散热", [], None, None, "CN", 3
    )
    radio = CarrierDoc("radio", "通信研究所", ["it.communications"], "5G 基站 射频 天线 组网", [], None, None, "CN", 3)
    others = [
        CarrierDoc(f"o{i}", f"研究所{i}", ["biomed.drugs"], f"小分子 药物 筛选 {i}", [], None, None, "CN", 3)
        for i in range(4)
    ]
    index = ProfileIndex()
    for c in (cooling, radio, *others):
        index.upsert(c)
    index.refresh_norms()
    # Words no cue list knows ("风道", "翅片"), but the profiles do; the enterprise ticked its own
    # product's field.
    demand = DemandDoc("d", "机柜风道改造", "机柜风道与翅片优化", ["it"], [], None, None)
    assert infer_codes("机柜风道改造\n机柜风道与翅片优化") == []
    found = index.search(demand, weights=DEFAULT_WEIGHTS)
    assert found[0].carrier_id == "cool"
    assert {s.carrier_id: s.components["fields"] for s in found}.get("radio", 0.0) == 0.0
