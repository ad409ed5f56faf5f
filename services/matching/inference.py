"""Field inference: which vocabulary codes a text is about, ranked, with a confidence.

Pure, no I/O. Each code has cue phrases in Chinese and English (its labels in the vocabulary,
its technologies, and the symptoms an enterprise writes instead of the technology: "噪声扰民",
"too loud at night" -> noise and vibration; "overheat", "过温降频" -> cooling). A Chinese cue
matches as a substring, an English one as a phrase of stemmed words; a cue in the title counts
twice. A code's evidence is the sum of its cues' weights; its confidence ``s / (s + 1.5)``.

Matching uses it both ways (``refine``): a demand's broad codes (``energy``) are refined to the
fine codes the text is about (``energy.batteries``), declared codes that the text clearly
contradicts are dropped, and the confident codes of the text are added; a profile's declared
codes get the confident fine codes of its own text (a heat-pump institute that ticked ``energy``
is also ``thermal.heat_pumps``).

The cue lists are domain knowledge written by hand; extend them freely (chosen by looking at
the *tune* half of bench/eval/matching_blind only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from shared import vocabulary
from shared.text import normalize, tokenize

# code -> cue phrases (Chinese or English; lower case; English is stemmed like the index).
CUES: dict[str, tuple[str, ...]] = {
    "materials.composites": (
        "复合材料",
        "碳纤维",
        "玻纤",
        "预浸料",
        "rtm",
        "composite",
        "cfrp",
        "carbon fibre",
        "carbon fiber",
        "prepreg",
        "laminate",
        "层合板",
    ),
    "materials.metals": (
        "合金",
        "铸造",
        "压铸",
        "锻造",
        "热处理",
        "金属材料",
        "钢",
        "镁合金",
        "钛合金",
        "alloy",
        "casting",
        "die casting",
        "forging",
        "superalloy",
        "steel",
        "aluminium",
        "aluminum",
        "titanium",
        "metallurgy",
        "冶金",
    ),
    "materials.polymers": (
        "高分子",
        "塑料",
        "改性",
        "聚合物",
        "树脂",
        "橡胶",
        "注塑",
        "polymer",
        "plastic",
        "resin",
        "polypropylene",
        "compound",
        "elastomer",
        "pa66",
        "阻燃",
    ),
    "materials.nano": ("纳米", "石墨烯", "碳纳米管", "量子点", "nano", "graphene", "nanowire", "nanoparticle"),
    "materials.ceramics": ("陶瓷", "氮化硅", "氧化铝", "氮化铝", "ceramic", "silicon nitride", "alumina"),
    "materials.textiles": (
        "纺织",
        "面料",
        "纤维",
        "无纺",
        "非织造",
        "滤袋",
        "熔喷",
        "针刺",
        "服装",
        "textile",
        "fabric",
        "fibre",
        "fiber",
        "nonwoven",
        "meltblown",
        "yarn",
        "garment",
        "workwear",
        "filter bag",
        "felt",
    ),
    "ic.design": (
        "芯片设计",
        "soc",
        "asic",
        "流片",
        "tape-out",
        "adc",
        "模拟前端",
        "analog front end",
        "低功耗芯片",
        "chip design",
        "ic design",
        "蓝牙芯片",
        "mixed-signal",
        "数模混合",
    ),
    "ic.manufacturing": (
        "晶圆",
        "光刻",
        "刻蚀",
        "工艺线",
        "fab",
        "wafer",
        "lithography",
        "photoresist",
        "光刻胶",
        "etch",
        "外延",
        "epitaxy",
        "栅氧",
    ),
    "ic.packaging": (
        "封装",
        "键合",
        "bonding",
        "packaging",
        "fan-out",
        "扇出",
        "chiplet",
        "tsv",
        "转接板",
        "interposer",
        "烧结",
        "sintering",
        "翘曲",
        "warpage",
    ),
    "ic.power": (
        "功率器件",
        "功率模块",
        "功率半导体",
        "igbt",
        "mosfet",
        "sic",
        "碳化硅",
        "gan",
        "氮化镓",
        "逆变器",
        "inverter",
        "变流器",
        "converter",
        "power module",
        "power electronic",
        "电力电子",
        "obc",
        "dc-dc",
    ),
    "biomed.drugs": (
        "药物",
        "新药",
        "小分子",
        "抗体",
        "adc药物",
        "临床前",
        "ind",
        "drug",
        "small molecule",
        "antibody",
        "preclinical",
        "制剂",
        "formulation",
        "药代",
    ),
    "biomed.devices": (
        "医疗器械",
        "导管",
        "支架",
        "植入",
        "球囊",
        "介入",
        "medical device",
        "catheter",
        "stent",
        "implant",
        "balloon",
        "器械注册",
    ),
    "biomed.diagnostics": (
        "诊断",
        "试剂盒",
        "化学发光",
        "快检",
        "试纸",
        "poct",
        "ivd",
        "diagnostic",
        "assay",
        "immunoassay",
        "chemiluminescence",
        "lateral flow",
        "检测试剂",
    ),
    "biomed.biotech": (
        "合成生物",
        "发酵",
        "酶",
        "菌株",
        "synthetic biology",
        "fermentation",
        "enzyme",
        "strain",
        "biomanufacturing",
        "生物制造",
    ),
    "manufacturing.robotics": (
        "机器人",
        "机械臂",
        "减速器",
        "robot",
        "robotic",
        "reducer",
        "cobot",
        "manipulator",
        "抓取",
        "grasp",
        "关节",
    ),
    "manufacturing.additive": (
        "增材",
        "3d打印",
        "3d 打印",
        "打印",
        "slm",
        "additive",
        "3d printing",
        "directed energy deposition",
        "熔覆",
        "cladding",
    ),
    "manufacturing.precision": (
        "精密加工",
        "超精密",
        "抛光",
        "磨削",
        "precision machining",
        "polishing",
        "diamond turning",
        "grinding",
        "非球面",
        "asphere",
        "aspheric",
        "metrology",
    ),
    "manufacturing.automation": (
        "自动化",
        "产线",
        "生产线",
        "mes",
        "排产",
        "数字孪生",
        "智能制造",
        "automation",
        "production line",
        "digital twin",
        "scheduling",
        "aps",
        "离线编程",
        "offline programming",
    ),
    "energy.batteries": (
        "电池",
        "锂电",
        "储能",
        "正极",
        "负极",
        "电解质",
        "电解液",
        "bms",
        "soc",
        "soh",
        "续航",
        "电芯",
        "battery",
        "batteries",
        "lithium",
        "cell",
        "pack",
        "energy storage",
        "electrolyte",
        "cathode",
        "anode",
        "black mass",
    ),
    "energy.solar": ("光伏", "太阳能", "钙钛矿", "组件", "topcon", "photovoltaic", "solar", "perovskite", "pv"),
    "energy.hydrogen": (
        "氢",
        "燃料电池",
        "电解槽",
        "电堆",
        "hydrogen",
        "fuel cell",
        "electrolyser",
        "electrolyzer",
        "pem",
        "stack",
    ),
    "energy.grid": (
        "电网",
        "配电",
        "虚拟电厂",
        "微电网",
        "电能质量",
        "过电压",
        "grid",
        "distribution network",
        "virtual power plant",
        "microgrid",
        "demand response",
        "储能变流器",
    ),
    "environment.water": (
        "废水",
        "污水",
        "水处理",
        "cod",
        "零排放",
        "膜分离",
        "反渗透",
        "wastewater",
        "water treatment",
        "effluent",
        "zero liquid discharge",
        "desalination",
        "高盐",
    ),
    "environment.air": (
        "废气",
        "除尘",
        "脱硝",
        "脱硫",
        "voc",
        "异味",
        "臭气",
        "大气",
        "烟气",
        "rto",
        "scr",
        "exhaust gas",
        "flue gas",
        "odour",
        "odor",
        "dust",
        "emission",
    ),
    "environment.waste": (
        "固废",
        "危废",
        "污泥",
        "飞灰",
        "回收",
        "资源化",
        "垃圾",
        "solid waste",
        "sludge",
        "fly ash",
        "recycling",
        "recovery",
        "pyrolysis",
        "热解",
    ),
    "it.ai": (
        "人工智能",
        "大模型",
        "深度学习",
        "机器学习",
        "算法",
        "识别",
        "知识图谱",
        "ai",
        "llm",
        "deep learning",
        "machine learning",
        "neural",
        "rag",
        "computer vision",
        "nlp",
        "分类",
        "classification",
        "智能问答",
    ),
    "it.software": (
        "软件",
        "平台",
        "仿真软件",
        "cae",
        "有限元",
        "求解器",
        "software",
        "platform",
        "solver",
        "simulation",
        "cfd",
        "finite element",
    ),
    "it.iot": ("物联网", "联网", "数据采集", "边缘", "iot", "internet of thing", "edge", "opc ua", "connectivity"),
    "it.communications": (
        "通信",
        "5g",
        "基站",
        "组网",
        "射频",
        "天线",
        "tsn",
        "communication",
        "base station",
        "wireless",
        "network",
        "antenna",
        "rf",
    ),
    "it.sensors": (
        "传感器",
        "检测仪",
        "监测",
        "sensor",
        "sensing",
        "mems",
        "探测",
        "detector",
        "monitoring",
        "误报",
        "false alarm",
        "漂移",
        "drift",
    ),
    "photonics.lasers": ("激光", "laser", "超快", "ultrafast", "飞秒", "femtosecond"),
    "photonics.display": (
        "显示",
        "micro-led",
        "oled",
        "led",
        "巨量转移",
        "display",
        "mass transfer",
        "量子点膜",
        "微显示",
    ),
    "automotive.ev": (
        "新能源汽车",
        "电动车",
        "电动汽车",
        "电驱",
        "整车",
        "电动公交",
        "ev",
        "electric vehicle",
        "e-motor",
        "traction",
        "电机",
        "motor",
    ),
    "automotive.autonomous": (
        "自动驾驶",
        "无人驾驶",
        "感知",
        "激光雷达",
        "autonomous",
        "self-driving",
        "perception",
        "lidar",
        "sensor fusion",
        "adas",
        "driverless",
    ),
    "agriculture.food": (
        "食品",
        "保鲜",
        "冷链",
        "货架期",
        "果蔬",
        "预制菜",
        "发霉",
        "长霉",
        "food",
        "shelf life",
        "cold chain",
        "fresh",
        "mould",
        "mold",
        "益生菌",
        "probiotic",
    ),
    "chemicals.catalysis": (
        "催化",
        "催化剂",
        "分子筛",
        "加氢",
        "脱氢",
        "catalyst",
        "catalysis",
        "zeolite",
        "hydrogenation",
        "dehydrogenation",
        "失活",
        "deactivation",
    ),
    "chemicals": (
        "化工",
        "连续流",
        "微反应",
        "硝化",
        "重氮化",
        "氧化工艺",
        "chemical",
        "continuous flow",
        "microreactor",
        "nitration",
        "diazotisation",
        "diazotization",
        "process safety",
    ),
    "marine.shipbuilding": (
        "船",
        "船舶",
        "船厂",
        "船型",
        "螺旋桨",
        "船体",
        "分段",
        "ship",
        "shipyard",
        "vessel",
        "hull",
        "propeller",
        "boat",
        "ferry",
        "naval",
    ),
    "marine.offshore": (
        "海上",
        "海洋工程",
        "海上风电",
        "导管架",
        "单桩",
        "海缆",
        "offshore",
        "floating wind",
        "jacket",
        "monopile",
        "subsea",
        "mooring",
        "dynamic cable",
    ),
    "marine.corrosion": (
        "海洋腐蚀",
        "防污",
        "阴极保护",
        "海生物",
        "附着",
        "antifouling",
        "fouling",
        "cathodic protection",
        "marine coating",
        "biofouling",
    ),
    "civil.structures": (
        "桥梁",
        "隧道",
        "斜拉桥",
        "结构健康",
        "索力",
        "bridge",
        "tunnel",
        "structural health monitoring",
        "shm",
        "girder",
    ),
    "civil.pavement": ("沥青", "路面", "道路", "asphalt", "pavement", "road"),
    "civil.rail": (
        "轨道交通",
        "地铁",
        "转向架",
        "轮轨",
        "车轮",
        "列车",
        "有轨电车",
        "高铁",
        "rail",
        "metro",
        "tram",
        "bogie",
        "wheel",
        "train",
    ),
    "acoustics.noise": (
        "噪声",
        "噪音",
        "降噪",
        "隔声",
        "吸声",
        "吸音",
        "减振",
        "振动",
        "扰民",
        "noise",
        "noisy",
        "loud",
        "quiet",
        "vibration",
        "sound insulation",
        "acoustic",
        "complaint",
    ),
    "acoustics.nvh": (
        "nvh",
        "路噪",
        "啸叫",
        "异响",
        "声学包",
        "whine",
        "road noise",
        "sound package",
        "squeak",
        "rattle",
        "anc",
        "主动降噪",
        "active noise",
    ),
    "acoustics.ultrasonics": (
        "超声",
        "水声",
        "声纳",
        "换能器",
        "ultrasonic",
        "ultrasound",
        "sonar",
        "transducer",
        "hydrophone",
        "underwater acoustic",
    ),
    "thermal.cooling": (
        "散热",
        "热管理",
        "均热板",
        "热管",
        "液冷",
        "过温",
        "过热",
        "温度过高",
        "降频",
        "冷板",
        "浸没",
        "cooling",
        "overheat",
        "thermal management",
        "heat sink",
        "vapor chamber",
        "vapour chamber",
        "heat pipe",
        "cold plate",
        "immersion",
        "throttl",
        "hot",
        "temperature",
        "热失控",
        "thermal runaway",
        "降功率",
        "derat",
    ),
    "thermal.heat_pumps": (
        "热泵",
        "余热",
        "废热",
        "蒸汽",
        "orc",
        "heat pump",
        "waste heat",
        "steam",
        "heat recovery",
        "节能",
        "energy saving",
        "energy efficiency",
    ),
    "testing.certification": (
        "认证",
        "检测认证",
        "电磁兼容",
        "emc",
        "安规",
        "ce认证",
        "干扰",
        "辐射发射",
        "传导",
        "certification",
        "compliance",
        "emission",
        "interference",
        "radiated",
        "conducted",
        "safety standard",
        "type test",
        "测试认证",
        "标准",
    ),
    "testing.ndt": (
        "无损检测",
        "探伤",
        "超声检测",
        "射线检测",
        "工业ct",
        "ndt",
        "non-destructive",
        "phased array",
        "industrial ct",
        "weld inspection",
        "x-ray inspection",
        "缺陷检测",
    ),
    "testing.failure_analysis": (
        "失效分析",
        "断口",
        "失效",
        "开裂",
        "根因",
        "failure analysis",
        "fracture",
        "root cause",
        "crack",
        "cracking",
        "failed",
        "failure",
    ),
}

HALF_CONFIDENCE = 1.5  # the evidence at which a code's confidence is 0.5
STRONG = 0.6  # a confidence the text is clearly about a code
TOP_K = 5


@dataclass(frozen=True)
class Inferred:
    code: str
    confidence: float


def _en_key(phrase: str) -> str:
    return " ".join(tokenize(phrase))


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(Chinese cue, code) and (English token phrase, code) pairs, and the vocabulary's own labels."""
    zh: dict[tuple[str, str], None] = {}
    en: dict[tuple[str, str], None] = {}
    cues: dict[str, list[str]] = {code: list(c) for code, c in CUES.items()}
    for code, f in vocabulary.FIELDS.items():
        if f.parent is not None or not vocabulary.is_broad(code):
            cues.setdefault(code, []).extend((f.zh, f.en))
    for code, phrases in cues.items():
        for p in phrases:
            n = normalize(p).strip()
            if not n:
                continue
            if n.isascii():
                key = _en_key(n)
                if key:
                    en[(key, code)] = None
            else:
                zh[(n, code)] = None
    return tuple(zh), tuple(en)


def _evidence(text: str) -> dict[str, float]:
    norm = normalize(text)
    zh, en = _compiled()
    found: dict[str, float] = {}
    words = " " + " ".join(t for t in tokenize(norm) if t.isascii()) + " "
    for cue, code in zh:
        if cue in norm:
            found[code] = found.get(code, 0.0) + 1.0
    if words.strip():
        for cue, code in en:
            if f" {cue} " in words:
                found[code] = found.get(code, 0.0) + 1.0
    return found


def infer(title: str, description: str = "", *, top_k: int = TOP_K) -> list[Inferred]:
    """Codes for a text, best first, with a confidence in (0, 1); a cue in the title counts twice."""
    evidence = _evidence(title)
    for code, v in evidence.items():
        evidence[code] = 2 * v
    for code, v in _evidence(description).items():
        evidence[code] = evidence.get(code, 0.0) + v
    ranked = sorted(evidence.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
    return [Inferred(code, round(v / (v + HALF_CONFIDENCE), 4)) for code, v in ranked]


def infer_codes(text: str, *, strong: float = STRONG, limit: int = 3) -> list[str]:
    """The codes a text is clearly about (at most ``limit``): the fields a portal would pre-tick."""
    first, _, rest = text.partition("\n")
    return [i.code for i in infer(first, rest) if i.confidence >= strong][:limit]


def refine(declared: Sequence[str], inferred: Sequence[Inferred], *, strong: float = STRONG) -> list[str]:
    """The codes to match on: declared codes, broad ones refined to the fine codes the text is
    about, those the text clearly contradicts dropped, and the text's confident codes added."""
    confident = [i.code for i in inferred if i.confidence >= strong]
    touched = {vocabulary.top_of(i.code) for i in inferred}
    out: dict[str, None] = {}
    for code in declared:
        group = vocabulary.top_of(code)
        if confident and group not in touched:
            continue  # the text is clearly about something else and says nothing of this field
        if vocabulary.is_broad(code):
            finer = [c for c in confident if vocabulary.top_of(c) == group and c != code]
            if finer:
                out.update(dict.fromkeys(finer))
                continue
        out[code] = None
    out.update(dict.fromkeys(confident))
    return list(out) if out else list(dict.fromkeys(declared))


def refine_profile(declared: Sequence[str], inferred: Sequence[Inferred], *, strong: float = STRONG) -> list[str]:
    """A profile's codes to match on: declared ones (broad ones refined, as for a demand, but
    never dropped: a profile says what it does) and the confident codes of its own text."""
    confident = [i.code for i in inferred if i.confidence >= strong]
    out: dict[str, None] = {}
    for code in declared:
        finer = [c for c in confident if vocabulary.top_of(c) == code] if vocabulary.is_broad(code) else []
        out.update(dict.fromkeys(finer or [code]))
    out.update(dict.fromkeys(confident))
    return list(out)


# -- evidence from the profiles themselves --------------------------------------------------------

NEIGHBOUR_SHARE = 0.6  # a profile is a near neighbour of a text at this share of the best text score
NEIGHBOURS = 32  # of the best this many at most (by text score as shown, then id)


def neighbour_mass(scored: Iterable[tuple[str, float, Sequence[str]]]) -> tuple[dict[str, float], dict[str, float]]:
    """Which codes and top-level fields the profiles nearest a text (by text score) are
    registered under: the share of the near neighbours' text score (of the ``NEIGHBOURS`` best,
    those within ``NEIGHBOUR_SHARE`` of the best) per code and per group. ``scored`` holds (profile id,
    text score, its codes); scores count as shown (to four places) and the sums run in id order,
    so the result does not depend on the order the profiles come in (nor on float arithmetic)."""
    rows = sorted((-round(s, 4), pid, codes) for pid, s, codes in scored if round(s, 4) > 0)[:NEIGHBOURS]
    rows.sort(key=lambda r: r[1])
    best = max((-s for s, _, _ in rows), default=0.0)
    near = [(-s, codes) for s, _, codes in rows if -s >= NEIGHBOUR_SHARE * best]
    total = sum(s for s, _ in near)
    fine: dict[str, float] = {}
    groups: dict[str, float] = {}
    for s, codes in near:
        for code in dict.fromkeys(codes):
            fine[code] = fine.get(code, 0.0) + s / total
        for group in dict.fromkeys(vocabulary.top_of(c) for c in codes):
            groups[group] = groups.get(group, 0.0) + s / total
    return fine, groups


def confirm(
    codes: Sequence[str], trust: Sequence[float], scored: Iterable[tuple[str, float, Sequence[str]]]
) -> tuple[list[str], list[float]]:
    """A demand's codes and trusts, the codes matching chose (trust below 1: broad ones, those
    refined or inferred) checked against the profiles its text is nearest (``neighbour_mass``):
    a chosen broad code becomes the fine codes of its field those profiles are registered under,
    and every chosen code is trusted in proportion to the share of them in its field, so a code
    the text's nearest profiles contradict counts for nothing. Codes the user declared as fine
    stay as they are; with no text evidence at all nothing changes."""
    fine, groups = neighbour_mass(scored)
    if not groups:
        return list(codes), list(trust)
    out: dict[str, float] = {}
    for code, t in zip(codes, trust, strict=True):
        group = vocabulary.top_of(code)
        if t >= 1.0:
            out[code] = max(out.get(code, 0.0), t)
            continue
        finer = (
            {c: m for c, m in fine.items() if c != group and vocabulary.top_of(c) == group}
            if vocabulary.is_broad(code)
            else {}
        )
        if finer:  # the field's share, split among its fine codes: together never above ``t``
            total = sum(finer.values())
            finer = {c: groups[group] * m / total for c, m in finer.items()}
        elif groups.get(group, 0.0) > 0:
            finer = {code: groups[group]}
        for c, m in sorted(finer.items()):
            # In 1024ths: sums of them are exact, so every path computes the same field score.
            out[c] = max(out.get(c, 0.0), round(t * m * 1024) / 1024)
    return list(out), list(out.values())
