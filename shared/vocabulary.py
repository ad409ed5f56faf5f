"""The platform's one controlled vocabulary of technical fields, with bilingual labels.

Codes are dotted: ``materials`` is a parent of ``materials.composites``. Demands,
carriers and people all use these codes, so matching can compare them exactly and give
partial credit for a shared parent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    code: str
    zh: str
    en: str

    @property
    def parent(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("materials", "先进材料", "Advanced materials"),
    ("materials.composites", "复合材料", "Composite materials"),
    ("materials.metals", "金属材料", "Metallic materials"),
    ("materials.polymers", "高分子材料", "Polymer materials"),
    ("materials.nano", "纳米材料", "Nanomaterials"),
    ("materials.ceramics", "陶瓷与无机非金属材料", "Ceramics and inorganic materials"),
    ("ic", "集成电路", "Integrated circuits"),
    ("ic.design", "芯片设计", "Chip design"),
    ("ic.manufacturing", "芯片制造工艺", "Semiconductor manufacturing"),
    ("ic.packaging", "封装测试", "Packaging and testing"),
    ("ic.power", "功率半导体", "Power semiconductors"),
    ("biomed", "生物医药", "Biomedicine"),
    ("biomed.drugs", "创新药物", "Drug discovery"),
    ("biomed.devices", "医疗器械", "Medical devices"),
    ("biomed.diagnostics", "体外诊断", "In-vitro diagnostics"),
    ("biomed.biotech", "生物技术", "Biotechnology"),
    ("manufacturing", "先进制造", "Advanced manufacturing"),
    ("manufacturing.robotics", "机器人", "Robotics"),
    ("manufacturing.additive", "增材制造", "Additive manufacturing"),
    ("manufacturing.precision", "精密加工", "Precision machining"),
    ("manufacturing.automation", "智能制造与自动化", "Smart manufacturing and automation"),
    ("energy", "能源", "Energy"),
    ("energy.batteries", "储能与电池", "Energy storage and batteries"),
    ("energy.solar", "光伏", "Photovoltaics"),
    ("energy.hydrogen", "氢能与燃料电池", "Hydrogen and fuel cells"),
    ("energy.grid", "智能电网", "Smart grid"),
    ("environment", "环境", "Environment"),
    ("environment.water", "水处理", "Water treatment"),
    ("environment.air", "大气污染治理", "Air pollution control"),
    ("environment.waste", "固废资源化", "Solid waste recycling"),
    ("it", "信息技术", "Information technology"),
    ("it.ai", "人工智能", "Artificial intelligence"),
    ("it.software", "工业软件", "Industrial software"),
    ("it.iot", "物联网", "Internet of things"),
    ("it.communications", "通信与网络", "Communications and networking"),
    ("it.sensors", "传感器", "Sensors"),
    ("photonics", "光电子", "Photonics"),
    ("photonics.lasers", "激光技术", "Laser technology"),
    ("photonics.display", "显示技术", "Display technology"),
    ("automotive", "汽车与交通", "Automotive and transport"),
    ("automotive.ev", "新能源汽车", "New energy vehicles"),
    ("automotive.autonomous", "自动驾驶", "Autonomous driving"),
    ("agriculture", "农业与食品", "Agriculture and food"),
    ("agriculture.food", "食品工程", "Food engineering"),
    ("chemicals", "化工", "Chemical engineering"),
    ("chemicals.catalysis", "催化", "Catalysis"),
    # Added for issue 19 (additive: no code above changes meaning or goes away).
    ("materials.textiles", "纺织与纤维材料", "Textiles and fibres"),
    ("marine", "海洋与船舶", "Marine and shipbuilding"),
    ("marine.shipbuilding", "船舶设计与建造", "Ship design and shipbuilding"),
    ("marine.offshore", "海洋工程与海上风电", "Offshore engineering and offshore wind"),
    ("marine.corrosion", "海洋腐蚀与防护", "Marine corrosion and protection"),
    ("civil", "土木与交通基础设施", "Civil and transport infrastructure"),
    ("civil.structures", "桥梁隧道与结构健康监测", "Bridges, tunnels and structural health monitoring"),
    ("civil.pavement", "道路与路面材料", "Roads and pavement"),
    ("civil.rail", "轨道交通", "Rail transit"),
    ("acoustics", "声学与振动", "Acoustics, noise and vibration"),
    ("acoustics.noise", "噪声与振动控制", "Noise and vibration control"),
    ("acoustics.nvh", "车辆NVH", "Vehicle NVH"),
    ("acoustics.ultrasonics", "超声与水声", "Ultrasonics and underwater acoustics"),
    ("thermal", "热管理与热能", "Thermal management and heat"),
    ("thermal.cooling", "电子与电池散热", "Electronics and battery cooling"),
    ("thermal.heat_pumps", "热泵与余热利用", "Heat pumps and waste heat recovery"),
    ("testing", "检验检测认证", "Testing, inspection and certification"),
    ("testing.certification", "检测认证与电磁兼容", "Certification, EMC and safety testing"),
    ("testing.ndt", "无损检测", "Non-destructive testing"),
    ("testing.failure_analysis", "失效分析", "Failure analysis"),
)

FIELDS: dict[str, Field] = {code: Field(code, zh, en) for code, zh, en in _FIELDS}


def is_known(code: str) -> bool:
    return code in FIELDS


def parent_of(code: str) -> str | None:
    f = FIELDS.get(code)
    return f.parent if f else None


def top_of(code: str) -> str:
    """The top-level field of a code (a top-level or unknown code is its own)."""
    return parent_of(code) or code


def is_broad(code: str) -> bool:
    """A top-level field that has finer ones."""
    return code in FIELDS and FIELDS[code].parent is None and any(f.parent == code for f in FIELDS.values())


def field_similarity(a: str, b: str) -> float:
    """1 for the same field, 0.5 when one is the other's parent or they share a parent."""
    if a == b:
        return 1.0
    pa, pb = parent_of(a) or a, parent_of(b) or b
    return 0.5 if pa == pb else 0.0
