"""A bilingual glossary of technical terms, so a Chinese demand can meet an English profile.

Character bigrams match Chinese to Chinese and words match English to English, but
"固态电解质" and "solid electrolyte" share nothing. When a text contains a term of this
glossary (in either language) it also gets the term's *concept token* ``"固态电解质|solid
electrolyte"``; two texts that name the same concept in different languages then share
that token, and the suggestion's matched terms show it in both languages.

The list is domain knowledge of an industrial technology institute's fields, written once
by hand (before the evaluation set in ``bench/matching`` existed) and shipped with the code:
nothing is downloaded or learned at run time. Add terms freely; keep them specific (a term
that appears in every profile helps nobody).
"""

from __future__ import annotations

from functools import lru_cache

from shared.text import normalize, tokenize

TERMS: tuple[tuple[str, str], ...] = (
    # -- materials
    ("复合材料", "composite material"),
    ("碳纤维", "carbon fiber"),
    ("碳纤维", "carbon fibre"),
    ("玻璃纤维", "glass fiber"),
    ("树脂基", "resin matrix"),
    ("热塑性", "thermoplastic"),
    ("热固性", "thermoset"),
    ("高分子", "polymer"),
    ("聚合物", "polymer"),
    ("聚酰亚胺", "polyimide"),
    ("聚氨酯", "polyurethane"),
    ("可降解", "biodegradable"),
    ("生物基", "bio-based"),
    ("涂层", "coating"),
    ("防腐", "anti-corrosion"),
    ("腐蚀", "corrosion"),
    ("耐磨", "wear resistance"),
    ("高温合金", "superalloy"),
    ("钛合金", "titanium alloy"),
    ("铝合金", "aluminium alloy"),
    ("铝合金", "aluminum alloy"),
    ("镁合金", "magnesium alloy"),
    ("不锈钢", "stainless steel"),
    ("粉末冶金", "powder metallurgy"),
    ("热处理", "heat treatment"),
    ("铸造", "casting"),
    ("锻造", "forging"),
    ("焊接", "welding"),
    ("纳米材料", "nanomaterial"),
    ("石墨烯", "graphene"),
    ("碳纳米管", "carbon nanotube"),
    ("量子点", "quantum dot"),
    ("陶瓷", "ceramic"),
    ("氮化硅", "silicon nitride"),
    ("碳化硅", "silicon carbide"),
    ("氧化铝", "alumina"),
    ("稀土", "rare earth"),
    ("永磁", "permanent magnet"),
    ("薄膜", "thin film"),
    ("气凝胶", "aerogel"),
    ("胶粘剂", "adhesive"),
    ("橡胶", "rubber"),
    ("疲劳", "fatigue"),
    ("断裂", "fracture"),
    ("失效分析", "failure analysis"),
    ("无损检测", "non-destructive testing"),
    ("表征", "characterization"),
    # -- integrated circuits
    ("集成电路", "integrated circuit"),
    ("芯片", "chip"),
    ("半导体", "semiconductor"),
    ("晶圆", "wafer"),
    ("光刻", "lithography"),
    ("光刻胶", "photoresist"),
    ("刻蚀", "etching"),
    ("薄膜沉积", "deposition"),
    ("化学机械抛光", "chemical mechanical polishing"),
    ("封装", "packaging"),
    ("先进封装", "advanced packaging"),
    ("晶圆级封装", "wafer-level packaging"),
    ("倒装", "flip chip"),
    ("引线键合", "wire bonding"),
    ("测试", "testing"),
    ("模拟电路", "analog circuit"),
    ("射频", "radio frequency"),
    ("射频", "rf"),
    ("数模混合", "mixed-signal"),
    ("模数转换", "analog-to-digital converter"),
    ("模数转换", "adc"),
    ("锁相环", "phase-locked loop"),
    ("电源管理", "power management"),
    ("功率器件", "power device"),
    ("功率模块", "power module"),
    ("绝缘栅双极型晶体管", "igbt"),
    ("碳化硅", "sic"),
    ("氮化镓", "gallium nitride"),
    ("氮化镓", "gan"),
    ("金属氧化物半导体场效应晶体管", "mosfet"),
    ("驱动芯片", "gate driver"),
    ("存储器", "memory"),
    ("现场可编程门阵列", "fpga"),
    ("专用集成电路", "asic"),
    ("处理器", "processor"),
    ("电子设计自动化", "eda"),
    ("版图", "layout"),
    ("良率", "yield"),
    ("可靠性", "reliability"),
    ("微机电系统", "mems"),
    # -- biomedicine
    ("生物医药", "biomedicine"),
    ("创新药", "innovative drug"),
    ("小分子", "small molecule"),
    ("抗体", "antibody"),
    ("单克隆抗体", "monoclonal antibody"),
    ("疫苗", "vaccine"),
    ("细胞治疗", "cell therapy"),
    ("基因治疗", "gene therapy"),
    ("基因编辑", "gene editing"),
    ("干细胞", "stem cell"),
    ("药物递送", "drug delivery"),
    ("制剂", "formulation"),
    ("缓释", "sustained release"),
    ("原料药", "active pharmaceutical ingredient"),
    ("合成工艺", "synthesis process"),
    ("临床前", "preclinical"),
    ("临床试验", "clinical trial"),
    ("药代动力学", "pharmacokinetics"),
    ("毒理", "toxicology"),
    ("生物反应器", "bioreactor"),
    ("发酵", "fermentation"),
    ("酶", "enzyme"),
    ("合成生物学", "synthetic biology"),
    ("蛋白", "protein"),
    ("多肽", "peptide"),
    ("核酸", "nucleic acid"),
    ("医疗器械", "medical device"),
    ("植入", "implant"),
    ("骨科", "orthopedic"),
    ("支架", "stent"),
    ("导管", "catheter"),
    ("影像", "imaging"),
    ("超声", "ultrasound"),
    ("内窥镜", "endoscope"),
    ("手术机器人", "surgical robot"),
    ("体外诊断", "in vitro diagnostic"),
    ("体外诊断", "ivd"),
    ("即时检测", "point-of-care"),
    ("微流控", "microfluidic"),
    ("生物传感器", "biosensor"),
    ("测序", "sequencing"),
    ("免疫分析", "immunoassay"),
    ("化学发光", "chemiluminescence"),
    ("核酸检测", "pcr"),
    ("生物相容性", "biocompatibility"),
    ("可穿戴", "wearable"),
    # -- advanced manufacturing
    ("机器人", "robot"),
    ("工业机器人", "industrial robot"),
    ("协作机器人", "collaborative robot"),
    ("机械臂", "robotic arm"),
    ("抓取", "grasping"),
    ("机器视觉", "machine vision"),
    ("视觉检测", "visual inspection"),
    ("运动控制", "motion control"),
    ("伺服", "servo"),
    ("减速器", "reducer"),
    ("数控", "cnc"),
    ("数控机床", "machine tool"),
    ("精密加工", "precision machining"),
    ("超精密", "ultra-precision"),
    ("磨削", "grinding"),
    ("切削", "cutting"),
    ("模具", "mould"),
    ("模具", "mold"),
    ("注塑", "injection molding"),
    ("增材制造", "additive manufacturing"),
    ("3d打印", "3d printing"),
    ("激光选区熔化", "selective laser melting"),
    ("智能制造", "smart manufacturing"),
    ("数字孪生", "digital twin"),
    ("自动化", "automation"),
    ("生产线", "production line"),
    ("装配", "assembly"),
    ("预测性维护", "predictive maintenance"),
    ("故障诊断", "fault diagnosis"),
    ("振动", "vibration"),
    ("液压", "hydraulic"),
    ("轴承", "bearing"),
    ("齿轮", "gear"),
    ("仿真", "simulation"),
    ("有限元", "finite element"),
    ("计算流体力学", "cfd"),
    ("轻量化", "lightweight"),
    # -- energy
    ("储能", "energy storage"),
    ("锂电池", "lithium battery"),
    ("锂离子电池", "lithium-ion battery"),
    ("动力电池", "power battery"),
    ("固态电池", "solid-state battery"),
    ("固态电解质", "solid electrolyte"),
    ("电解液", "electrolyte"),
    ("正极", "cathode"),
    ("负极", "anode"),
    ("隔膜", "separator"),
    ("硅碳负极", "silicon anode"),
    ("钠离子电池", "sodium-ion battery"),
    ("电池管理系统", "battery management system"),
    ("电池管理系统", "bms"),
    ("热失控", "thermal runaway"),
    ("循环寿命", "cycle life"),
    ("能量密度", "energy density"),
    ("电池回收", "battery recycling"),
    ("光伏", "photovoltaic"),
    ("太阳能电池", "solar cell"),
    ("钙钛矿", "perovskite"),
    ("异质结", "heterojunction"),
    ("逆变器", "inverter"),
    ("氢能", "hydrogen"),
    ("燃料电池", "fuel cell"),
    ("电解水", "water electrolysis"),
    ("电解槽", "electrolyzer"),
    ("质子交换膜", "proton exchange membrane"),
    ("储氢", "hydrogen storage"),
    ("智能电网", "smart grid"),
    ("微电网", "microgrid"),
    ("配电", "power distribution"),
    ("变压器", "transformer"),
    ("风电", "wind power"),
    ("热管理", "thermal management"),
    ("余热回收", "waste heat recovery"),
    ("节能", "energy saving"),
    ("超级电容", "supercapacitor"),
    # -- environment
    ("水处理", "water treatment"),
    ("废水", "wastewater"),
    ("污水", "sewage"),
    ("膜分离", "membrane separation"),
    ("反渗透", "reverse osmosis"),
    ("膜生物反应器", "membrane bioreactor"),
    ("高级氧化", "advanced oxidation"),
    ("脱盐", "desalination"),
    ("重金属", "heavy metal"),
    ("吸附", "adsorption"),
    ("大气污染", "air pollution"),
    ("脱硫", "desulfurization"),
    ("脱硝", "denitrification"),
    ("挥发性有机物", "voc"),
    ("挥发性有机物", "volatile organic compound"),
    ("除尘", "dust removal"),
    ("碳捕集", "carbon capture"),
    ("固废", "solid waste"),
    ("危废", "hazardous waste"),
    ("资源化", "recycling"),
    ("污泥", "sludge"),
    ("土壤修复", "soil remediation"),
    ("环境监测", "environmental monitoring"),
    ("碳中和", "carbon neutrality"),
    # -- information technology
    ("人工智能", "artificial intelligence"),
    ("机器学习", "machine learning"),
    ("深度学习", "deep learning"),
    ("神经网络", "neural network"),
    ("计算机视觉", "computer vision"),
    ("图像识别", "image recognition"),
    ("目标检测", "object detection"),
    ("自然语言处理", "natural language processing"),
    ("大模型", "large language model"),
    ("知识图谱", "knowledge graph"),
    ("推荐", "recommendation"),
    ("大数据", "big data"),
    ("数据分析", "data analytics"),
    ("云计算", "cloud computing"),
    ("边缘计算", "edge computing"),
    ("工业互联网", "industrial internet"),
    ("物联网", "internet of things"),
    ("物联网", "iot"),
    ("工业软件", "industrial software"),
    ("操作系统", "operating system"),
    ("嵌入式", "embedded"),
    ("区块链", "blockchain"),
    ("网络安全", "cybersecurity"),
    ("信息安全", "information security"),
    ("通信", "communication"),
    ("无线通信", "wireless communication"),
    ("天线", "antenna"),
    ("毫米波", "millimeter wave"),
    ("光通信", "optical communication"),
    ("传感器", "sensor"),
    ("激光雷达", "lidar"),
    ("雷达", "radar"),
    ("定位", "positioning"),
    ("语音识别", "speech recognition"),
    # -- photonics
    ("激光", "laser"),
    ("光纤激光", "fiber laser"),
    ("光纤激光", "fibre laser"),
    ("超快激光", "ultrafast laser"),
    ("激光焊接", "laser welding"),
    ("激光切割", "laser cutting"),
    ("光学", "optics"),
    ("光学镜头", "optical lens"),
    ("红外", "infrared"),
    ("光谱", "spectroscopy"),
    ("显示", "display"),
    ("有机发光", "oled"),
    ("微发光二极管", "micro-led"),
    ("发光二极管", "led"),
    ("液晶", "liquid crystal"),
    # -- automotive
    ("新能源汽车", "new energy vehicle"),
    ("电动汽车", "electric vehicle"),
    ("电驱动", "electric drive"),
    ("电机", "electric motor"),
    ("电机控制", "motor control"),
    ("自动驾驶", "autonomous driving"),
    ("辅助驾驶", "driver assistance"),
    ("车联网", "connected vehicle"),
    ("整车", "vehicle"),
    ("底盘", "chassis"),
    ("充电", "charging"),
    # -- agriculture and food
    ("食品", "food"),
    ("保鲜", "preservation"),
    ("功能食品", "functional food"),
    ("益生菌", "probiotic"),
    ("农药", "pesticide"),
    ("育种", "breeding"),
    ("智慧农业", "smart agriculture"),
    # -- chemicals
    ("催化剂", "catalyst"),
    ("催化", "catalysis"),
    ("分子筛", "zeolite"),
    ("精细化工", "fine chemical"),
    ("加氢", "hydrogenation"),
    ("聚合", "polymerization"),
    ("结晶", "crystallization"),
    ("分离提纯", "purification"),
    ("连续流", "continuous flow"),
    ("电催化", "electrocatalysis"),
    ("光催化", "photocatalysis"),
)


def _english_key(phrase: str) -> str:
    """The phrase as the tokenizer sees English (lower case, stemmed), space-joined."""
    return " ".join(tokenize(phrase))


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(Chinese substring, concept) and (English token phrase, concept) pairs.

    Entries that share a Chinese or an English form are one concept (聚合物 and 高分子 are
    both "polymer"), named by the first entry of the group.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    entries = [(normalize(z), _english_key(e), f"{z}|{e}") for z, e in TERMS]
    for z, e, _ in entries:
        if e:
            a, b = find("zh:" + z), find("en:" + e)
            if a != b:
                parent[b] = a
    names: dict[str, str] = {}
    for z, _, name in entries:
        names.setdefault(find("zh:" + z), name)
    zh = {z: names[find("zh:" + z)] for z, _, _ in entries}
    en = {e: names[find("en:" + e)] for _, e, _ in entries if e}
    return tuple(zh.items()), tuple(en.items())


def concepts(text: str) -> list[str]:
    """The glossary concepts a text names, in Chinese or in English, each once."""
    norm = normalize(text)
    if not norm.strip():
        return []
    zh_terms, en_terms = _compiled()
    found: dict[str, None] = {}
    for term, concept in zh_terms:
        if term in norm:
            found[concept] = None
    words = " " + " ".join(t for t in tokenize(norm) if t.isascii()) + " "
    if words.strip():
        for phrase, concept in en_terms:
            if f" {phrase} " in words:
                found[concept] = None
    return list(found)
