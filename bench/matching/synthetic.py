"""Synthetic carrier, expert and demand profiles for the speed benchmark.

Texts are assembled from real technical vocabulary (the glossary's Chinese and English
terms, the field labels) with connective phrases, about 270 characters per profile, in
Chinese, English or both, so token statistics resemble the real thing: a few very common
bigrams, a long tail of specific ones.
"""

from __future__ import annotations

import random
from decimal import Decimal

from services.matching.glossary import TERMS
from services.matching.scoring import CarrierDoc, DemandDoc, TrackEntry
from shared import vocabulary

FIELDS = sorted(c for c in vocabulary.FIELDS if "." in c)
CITIES = [
    ("苏州", "江苏"),
    ("南京", "江苏"),
    ("无锡", "江苏"),
    ("常州", "江苏"),
    ("南通", "江苏"),
    ("上海", "上海"),
    ("杭州", "浙江"),
    ("宁波", "浙江"),
    ("深圳", "广东"),
    ("广州", "广东"),
    ("北京", "北京"),
    ("合肥", "安徽"),
    ("武汉", "湖北"),
    ("西安", "陕西"),
    ("成都", "四川"),
    ("天津", "天津"),
]
ABROAD = [
    ("Munich", "Bavaria", "DE"),
    ("Cambridge", None, "GB"),
    ("Boston", "MA", "US"),
    ("Tokyo", None, "JP"),
    ("Singapore", None, "SG"),
    ("Eindhoven", None, "NL"),
]
KINDS = [
    "research_institute",
    "rd_enterprise",
    "university_domestic",
    "incubator",
    "overseas_platform",
    "university_overseas",
]
ROLES = ["researcher", "jitri_researcher", "strategic_scientist", "postdoc", "project_manager"]
ZH_GLUE = [
    "开展",
    "研究",
    "具备",
    "拥有",
    "面向",
    "提供",
    "技术服务",
    "关键技术",
    "工艺开发",
    "测试平台",
    "中试验证",
    "产业化",
    "团队",
    "实验室",
    "以及",
    "相关",
    "方向",
    "能力",
    "设计与制造",
    "性能评价",
]
EN_GLUE = [
    "research on",
    "development of",
    "testing of",
    "pilot line for",
    "expertise in",
    "design and",
    "characterisation of",
    "process",
    "platform",
    "and",
    "with",
    "for industrial partners",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _terms_for(field: str, rng: random.Random) -> list[tuple[str, str]]:
    # Each field draws on its own slice of the glossary, so profiles of one field share terms.
    idx = FIELDS.index(field)
    n = len(TERMS)
    start = (idx * n) // len(FIELDS)
    pool = [TERMS[(start + i) % n] for i in range(24)] + [TERMS[rng.randrange(n)] for _ in range(8)]
    return pool


def _text(fields: list[str], rng: random.Random, length: int, lang: str) -> str:
    pool = [t for f in fields for t in _terms_for(f, rng)]
    out: list[str] = []
    size = 0
    while size < length:
        zh, en = rng.choice(pool)
        use_zh = lang == "zh" or (lang == "mixed" and rng.random() < 0.6)
        if use_zh:
            piece = rng.choice(ZH_GLUE) + zh + ("、" if rng.random() < 0.5 else "，")
        else:
            piece = f"{rng.choice(EN_GLUE)} {en}, "
        out.append(piece)
        size += len(piece)
    return "".join(out)[:length]


def _place(rng: random.Random, overseas: bool) -> tuple[str | None, str | None, str]:
    if overseas:
        return rng.choice(ABROAD)
    city, prov = rng.choice(CITIES)
    return city, prov, "CN"


def carrier(i: int, rng: random.Random) -> CarrierDoc:
    kind = rng.choice(KINDS)
    overseas = kind in ("overseas_platform", "university_overseas")
    fields = rng.sample(FIELDS, rng.choice([1, 2, 2, 3]))
    lang = "en" if overseas else rng.choice(["zh", "zh", "mixed"])
    city, prov, country = _place(rng, overseas)
    track = tuple(
        TrackEntry((rng.choice(fields),), float(rng.choice([2e5, 5e5, 1e6, 3e6, 8e6])))
        for _ in range(rng.choice([0, 0, 0, 1, 2, 5]))
    )
    capacity = rng.randint(1, 8)
    return CarrierDoc(
        carrier_id=f"carrier-{i}",
        name=_text(fields, rng, 12, lang) + ("研究所" if lang != "en" else " Lab"),
        fields=fields,
        capabilities=_text(fields, rng, 250, lang),
        keywords=[rng.choice(_terms_for(fields[0], rng))[0 if lang != "en" else 1] for _ in range(3)],
        city=city,
        province=prov,
        country=country,
        capacity=capacity,
        active_load=rng.randint(0, capacity),
        kind=kind,
        track=track,
    )


def expert(i: int, rng: random.Random, carrier_of: CarrierDoc | None) -> CarrierDoc:
    fields = carrier_of.fields[:1] if carrier_of and rng.random() < 0.7 else rng.sample(FIELDS, 1)
    lang = "en" if carrier_of and carrier_of.country != "CN" else rng.choice(["zh", "mixed"])
    kws = [rng.choice(_terms_for(fields[0], rng))[0 if lang != "en" else 1] for _ in range(rng.randint(3, 8))]
    capacity = rng.randint(1, 4)
    return CarrierDoc(
        carrier_id=f"expert-{i}",
        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        fields=fields,
        capabilities="",
        keywords=[*kws, _text(fields, rng, 180, lang)],
        city=carrier_of.city if carrier_of else None,
        province=carrier_of.province if carrier_of else None,
        country=carrier_of.country if carrier_of else "CN",
        capacity=capacity,
        active_load=rng.randint(0, capacity),
        kind=carrier_of.kind if carrier_of else "research_institute",
        track=carrier_of.track if carrier_of else (),
        subject="person",
        affiliation=carrier_of.carrier_id if carrier_of else None,
        roles=(rng.choice(ROLES),),
    )


def demand(i: int, rng: random.Random) -> DemandDoc:
    fields = rng.sample(FIELDS, rng.choice([1, 1, 2]))
    lang = rng.choice(["zh", "zh", "zh", "mixed", "en"])
    city, prov, _ = _place(rng, False)
    trl = rng.choice([None, (2, 5), (3, 6), (4, 7), (6, 8)])
    return DemandDoc(
        demand_id=f"demand-{i}",
        title=_text(fields, rng, 20, lang),
        description=_text(fields, rng, 220, lang),
        fields=fields,
        keywords=[rng.choice(_terms_for(fields[0], rng))[0] for _ in range(2)],
        city=city,
        province=prov,
        trl_current=trl[0] if trl else None,
        trl_target=trl[1] if trl else None,
        budget=Decimal(rng.choice([200_000, 500_000, 1_000_000, 3_000_000, 10_000_000]))
        if rng.random() < 0.8
        else None,
        enterprise_id=f"enterprise-{i % 300}",
    )
