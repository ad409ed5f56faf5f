"""Demo data: the institute as it stood at the end of 2020, through the history and talent imports.

Generated deterministically (one seeded random source, so every run makes the same records) from
the published 2019-2020 figures (docs/domain.md): 113 enterprises with their joint innovation
centers (59 established in 2019, 54 in 2020), 589 demands with 1.71 bn yuan of intended investment
dated 2019-2020, and the supply side: 58 research institutes, 50 R&D enterprises, 55 overseas and
52 domestic partner universities, 8 overseas platforms, 168 project managers and 167 JITRI
researchers, and about 1,500 jointly trained graduate students and postdocs (enrolled, placed,
some graduated); and the institute's 11 venture funds (its stake 5-20 % each, 1.315 bn yuan of social
capital leveraged) with their investments; and the deals: 563 of the demands matched with a
carrier, 157 of the matches signed as contracts worth 740 m yuan in all, their milestones paid as
they fell due before 2021. The demand side, the deals and the funds go in through the history
import (itp.history: each row through its owning service's import) with their real dates, the
supply side through the talent import: the same code as ``itp import-history`` and ``itp import``,
so loading it twice changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import orjson

from itp.history import import_rows
from services.demand.domain import credit_code_check_char
from services.matching.service import MatchingService
from services.talent.imports import TalentImporter
from services.talent.repository import TalentRepository
from shared.bulk import SourceRow
from shared.outbox import UnitOfWorkFactory
from shared.progress import Progress

SEED = 2020
CENTERS_2019, CENTERS_2020 = 59, 54
DEMANDS = 589
INTENDED = Decimal("1710000000.00")
SUPPLY = {
    "research_institute": 58,
    "rd_enterprise": 50,
    "university_overseas": 55,
    "university_domestic": 52,
    "overseas_platform": 8,
}
PROJECT_MANAGERS, RESEARCHERS = 168, 167
TRAINEES = 1500  # jointly trained graduate students and postdocs ("about 1,500")
MATCHED, CONTRACTS = 563, 157  # of the 589 demands; of the matches
CONTRACT_VALUE = Decimal("740000000.00")
MATCH_KINDS = ("research_institute", "rd_enterprise", "university_domestic", "university_overseas")
FUNDS = 11
SOCIAL_CAPITAL = Decimal("1315000000.00")  # leveraged by the institute's commitments to its funds
FUND_MANAGERS = ["毅达资本", "元禾控股", "东方富海", "深创投", "君联资本", "中金资本", "国投创新", "金浦投资"]
FUND_THEMES = ["先进制造", "集成电路", "新材料", "生物医药", "新能源", "智能装备", "节能环保", "信息技术"]

CITIES = [
    ("苏州", "江苏"), ("南京", "江苏"), ("无锡", "江苏"), ("常州", "江苏"), ("南通", "江苏"),
    ("徐州", "江苏"), ("扬州", "江苏"), ("泰州", "江苏"), ("镇江", "江苏"), ("盐城", "江苏"),
    ("连云港", "江苏"), ("淮安", "江苏"), ("宿迁", "江苏"), ("上海", "上海"), ("杭州", "浙江"),
]  # fmt: skip
FIELDS: dict[str, tuple[str, list[str], str]] = {
    # field: (topic in Chinese, keywords, industry code)
    "energy.batteries": ("动力电池", ["锂电池", "固态电解质", "热管理"], "C38"),
    "energy.hydrogen": ("氢燃料电池", ["质子交换膜", "电堆", "储氢"], "C38"),
    "energy.solar": ("光伏组件", ["钙钛矿", "异质结", "光伏"], "C38"),
    "ic.power": ("功率半导体", ["SiC", "IGBT", "驱动芯片"], "C39"),
    "ic.design": ("芯片设计", ["模拟芯片", "射频", "低功耗"], "C39"),
    "ic.packaging": ("先进封装", ["晶圆级封装", "可靠性", "键合"], "C39"),
    "materials.composites": ("复合材料", ["碳纤维", "轻量化", "树脂基"], "C30"),
    "materials.metals": ("高性能合金", ["高温合金", "铝合金", "热处理"], "C32"),
    "materials.polymers": ("高分子材料", ["改性塑料", "可降解", "薄膜"], "C29"),
    "manufacturing.robotics": ("工业机器人", ["协作机器人", "视觉引导", "减速器"], "C34"),
    "manufacturing.automation": ("智能产线", ["数字孪生", "柔性制造", "MES"], "C34"),
    "manufacturing.additive": ("增材制造", ["金属3D打印", "激光熔覆", "粉末"], "C34"),
    "biomed.devices": ("医疗器械", ["介入器械", "影像设备", "生物相容性"], "C35"),
    "biomed.drugs": ("创新药物", ["小分子", "制剂", "药代动力学"], "C27"),
    "biomed.diagnostics": ("体外诊断", ["POCT", "化学发光", "分子诊断"], "C27"),
    "environment.water": ("工业废水处理", ["膜分离", "零排放", "高级氧化"], "N77"),
    "environment.waste": ("固废资源化", ["危废处置", "再生利用", "热解"], "N77"),
    "it.ai": ("工业人工智能", ["机器视觉", "缺陷检测", "预测性维护"], "I65"),
    "it.sensors": ("智能传感器", ["MEMS", "压力传感", "气体传感"], "C39"),
    "photonics.lasers": ("激光加工", ["超快激光", "激光焊接", "光纤激光器"], "C34"),
    "automotive.ev": ("新能源汽车电驱", ["电机控制", "电驱总成", "NVH"], "C36"),
    "civil.rail": ("轨道交通装备", ["牵引系统", "轮轨", "状态监测"], "C37"),
    "marine.offshore": ("海上风电", ["风机基础", "防腐", "运维"], "C38"),
    "chemicals.catalysis": ("绿色催化", ["分子筛", "加氢", "连续流"], "C26"),
    "materials.textiles": ("功能纤维", ["高强纤维", "阻燃", "纺丝"], "C28"),
}  # fmt: skip
GOALS = ["关键技术攻关", "工艺优化与产业化", "国产化替代开发", "性能提升与可靠性验证", "新产品研发", "智能化升级"]
OUTCOMES = ["样机与测试报告", "中试线与工艺包", "技术方案与专利", "工程样品与验证报告", "软件系统与技术文档"]
DEMAND_TYPES = (
    ["technology_development"] * 6 + ["technology_service"] * 2 + ["technology_consulting", "technology_transfer"]
)
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏建红飞志宇浩凯晨欣然子涵思远博文佳琪雨轩俊"
ENTERPRISE_ROOTS = (
    "恒瑞华鼎中科新能博远天合盛虹远景汇川亨通隆基国轩协鑫永鼎澳洋长电通富华润海澜东方红豆波司登徐工沙钢中天"
)
ENTERPRISE_KINDS = [
    "科技股份有限公司",
    "新材料有限公司",
    "智能装备有限公司",
    "电子科技有限公司",
    "集团有限公司",
    "能源科技有限公司",
]
OVERSEAS = [
    ("University of Cambridge", "GB"), ("Imperial College London", "GB"), ("ETH Zurich", "CH"), ("EPFL", "CH"),
    ("TU Munich", "DE"), ("RWTH Aachen", "DE"), ("KTH Royal Institute of Technology", "SE"), ("TU Delft", "NL"),
    ("KU Leuven", "BE"), ("University of Toronto", "CA"), ("National University of Singapore", "SG"),
    ("University of Tokyo", "JP"), ("KAIST", "KR"), ("Technion", "IL"), ("University of Melbourne", "AU"),
    ("Georgia Institute of Technology", "US"), ("Purdue University", "US"), ("University of Manchester", "GB"),
    ("Aalto University", "FI"), ("Politecnico di Milano", "IT"),
]  # fmt: skip
DOMESTIC = (
    "东南大学 南京大学 苏州大学 江南大学 南京理工大学 南京航空航天大学 河海大学 中国矿业大学 江苏大学 扬州大学 "
    "南京工业大学 常州大学 南通大学 南京邮电大学 南京信息工程大学 浙江大学 上海交通大学 同济大学 复旦大学 清华大学"
).split()


@dataclass(frozen=True)
class DemoData:
    history: list[SourceRow]  # the demand side, the deals and the funds, for the history import
    talent: bytes  # the supply side, JSON Lines for the talent import


def credit_code(seq: int) -> str:
    first17 = f"91320500MA{seq:07d}"
    return first17 + credit_code_check_char(first17)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _at(day: date, rng: random.Random) -> str:
    """A working-hours moment of ``day`` in China time."""
    return f"{day.isoformat()}T{rng.randint(9, 17):02d}:{rng.choice((0, 15, 30, 45)):02d}:00+08:00"


def _days(start: date, end: date, rng: random.Random) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _budgets(rng: random.Random) -> list[Decimal]:
    """589 budgets in whole ten-thousands of yuan adding up to exactly 1.71 bn."""
    weights = [rng.lognormvariate(0, 0.8) for _ in range(DEMANDS)]
    unit = Decimal(10000)
    total_units = int(INTENDED / unit)
    scale = total_units / sum(weights)
    units = [max(20, round(w * scale)) for w in weights]
    units[-1] += total_units - sum(units)
    assert units[-1] > 0
    return [Decimal(u) * unit for u in units]


def _funds(rng: random.Random, companies: list[str]) -> list[dict[str, Any]]:
    """11 funds established 2019-2020, the institute's stake within 5-20 % of each, their social
    capital adding up to exactly 1.315 bn yuan (whole ten-thousands), with a few investments each."""
    unit = Decimal(10000)
    weights = [rng.uniform(0.6, 1.6) for _ in range(FUNDS)]
    total = int(SOCIAL_CAPITAL / unit)
    social = [round(w * total / sum(weights)) for w in weights]
    social[-1] += total - sum(social)
    rows: list[dict[str, Any]] = []
    for i, units in enumerate(social):
        stake = Decimal(rng.randint(6, 18)) / 100  # well inside the policy after rounding
        institute = (Decimal(units) * stake / (1 - stake)).quantize(Decimal(1))
        committed = (Decimal(units) + institute) * unit
        established = _days(
            date(2019, 3, 1) if i < 5 else date(2020, 1, 10), date(2019 if i < 5 else 2020, 11, 30), rng
        )
        theme = FUND_THEMES[i % len(FUND_THEMES)]
        sid = f"F{i + 1:02d}"
        rows.append(
            {
                "type": "fund", "source_id": sid, "name": f"产研院{theme}创业投资基金{i + 1}期",
                "manager": f"{FUND_MANAGERS[i % len(FUND_MANAGERS)]}（产研院{theme}基金管理有限公司）",
                "committed_capital": str(committed.quantize(Decimal("0.01"))),
                "institute_commitment": str((institute * unit).quantize(Decimal("0.01"))),
                "established_on": established.isoformat(),
            }
        )  # fmt: skip
        invested = Decimal(0)
        for k in range(rng.randint(2, 4)):
            amount = (committed * Decimal(rng.randint(5, 15)) / 100 / unit).quantize(Decimal(1)) * unit
            if invested + amount > committed:
                break
            invested += amount
            rows.append(
                {
                    "type": "investment", "source_id": f"{sid}-I{k + 1}", "fund": sid,
                    "company": rng.choice(companies), "amount": str(amount.quantize(Decimal("0.01"))),
                    "stake_percent": str(Decimal(rng.randint(5, 30))),
                    "invested_on": _days(established + timedelta(days=30), date(2020, 12, 20), rng).isoformat(),
                }
            )  # fmt: skip
    return rows


def generate() -> DemoData:
    rng = random.Random(SEED)
    rows: list[dict[str, Any]] = []
    field_names = list(FIELDS)
    enterprises: list[tuple[str, str, date, str]] = []  # source id, field, center established on, city
    for i in range(CENTERS_2019 + CENTERS_2020):
        year = 2019 if i < CENTERS_2019 else 2020
        established = _days(date(year, 1, 25), date(year, 12, 20), rng)
        city, province = rng.choice(CITIES)
        field = field_names[i % len(field_names)]
        roots = ENTERPRISE_ROOTS
        root = roots[(2 * i) % len(roots)] + roots[(7 * i + 3) % len(roots)]
        name = f"{city}{root}{ENTERPRISE_KINDS[i % len(ENTERPRISE_KINDS)]}"
        sid = f"E{i + 1:03d}"
        contact = _person(rng)
        rows.append(
            {
                "type": "enterprise", "source_id": sid, "registered_at": _at(established - timedelta(days=20), rng),
                "name_zh": name, "credit_code": credit_code(i + 1), "province": province, "city": city,
                "industry_code": FIELDS[field][2], "size": rng.choice(("large", "large", "medium")),
                "contacts": [{"name": contact, "email": f"jic{i + 1:03d}@example.cn"}],
            }
        )  # fmt: skip
        rows.append(
            {
                "type": "center", "source_id": f"C{i + 1:03d}", "enterprise": sid,
                "name": f"{name[: name.index(root) + len(root)]}-产业技术研究院联合创新中心",
                "established_on": established.isoformat(),
                "committed_funding": str(Decimal(rng.randint(10, 60)) * Decimal(1000000)),
            }
        )  # fmt: skip
        enterprises.append((sid, field, established, city))
    for n, budget in enumerate(_budgets(rng)):
        sid, field, established, city = enterprises[n % len(enterprises)]
        topic, keywords, _ = FIELDS[field]
        submitted = _days(established + timedelta(days=7), date(2020, 12, 24), rng)
        goal = rng.choice(GOALS)
        rows.append(
            {
                "type": "demand", "source_id": f"D{n + 1:04d}", "enterprise": sid, "center": "C" + sid[1:],
                "submitted_at": _at(submitted, rng),
                "published_at": _at(submitted + timedelta(days=rng.randint(1, 5)), rng),
                "title": f"{topic}{goal}", "fields": [field], "keywords": rng.sample(keywords, 2),
                "description": f"面向{topic}领域，开展{goal}。企业现有产线在{keywords[0]}与{keywords[1]}方面存在瓶颈，"
                f"希望与研究院所合作，在两年内形成可量产的技术方案，并完成{rng.choice(OUTCOMES)}。",
                "demand_type": rng.choice(DEMAND_TYPES), "expected_outcome": rng.choice(OUTCOMES),
                "trl_current": (trl := rng.randint(2, 5)), "trl_target": trl + rng.randint(2, 3),
                "budget": str(budget.quantize(Decimal("0.01"))),
                "deadline": _at(submitted + timedelta(days=rng.randint(180, 540)), rng),
                "province": "江苏", "city": city, "contact": {"name": _person(rng)},
                "confidentiality": "confidential" if rng.random() < 0.15 else "public",
            }
        )  # fmt: skip
    talent, institutes, carriers = _talent(rng)  # first: the supply side is the same as before the rest
    demands = [r for r in rows if r["type"] == "demand"]
    rows.extend(_funds(rng, [r["name_zh"] for r in rows if r["type"] == "enterprise"]))
    rows.extend(_trainees(rng, institutes))
    rows.extend(_deals(rng, demands, carriers))
    history = [SourceRow(line, values) for line, values in enumerate(rows, start=1)]
    return DemoData(history, talent)


def _units(rng: random.Random, n: int, total: Decimal, least: int) -> list[Decimal]:
    """``n`` amounts in whole ten-thousands of yuan adding up to exactly ``total``."""
    weights = [rng.lognormvariate(0, 0.7) for _ in range(n)]
    unit = Decimal(10000)
    total_units = int(total / unit)
    units = [max(least, round(w * total_units / sum(weights))) for w in weights]
    units[-1] += total_units - sum(units)
    assert units[-1] >= least
    return [Decimal(u) * unit for u in units]


def _deals(
    rng: random.Random, demands: list[dict[str, Any]], carriers: list[tuple[str, list[str]]]
) -> list[dict[str, Any]]:
    """563 demands matched with a carrier of their field (a week to two months after publication),
    157 of the matches signed (two weeks to three months later) for 740 m yuan in all, with two or
    three milestones each, paid as they fell due before 2021."""
    end = date(2020, 12, 30)
    rows: list[dict[str, Any]] = []
    matches: list[tuple[str, date, dict[str, Any]]] = []  # source id, day, demand
    for n, demand in enumerate(sorted(rng.sample(demands, MATCHED), key=lambda d: d["source_id"])):
        published = date.fromisoformat(demand["published_at"][:10])
        day = min(published + timedelta(days=rng.randint(7, 60)), end)
        fit = [name for name, fields in carriers if demand["fields"][0] in fields] or [c[0] for c in carriers]
        sid = f"M{n + 1:04d}"
        row = {
            "type": "match", "source_id": sid, "demand": demand["source_id"], "carrier_name": rng.choice(fit),
            "matched_at": _at(day, rng), "accepted_by": f"pm{rng.randint(1, PROJECT_MANAGERS):03d}@jitri.example.cn",
        }  # fmt: skip
        if rng.random() < 0.1:
            row["reason"] = "线下对接会上双方达成合作意向"
        rows.append(row)
        matches.append((sid, day, demand))
    signable = [m for m in matches if m[1] <= date(2020, 11, 30)]
    chosen = sorted(rng.sample(signable, CONTRACTS), key=lambda m: m[0])
    for n, ((match, matched, demand), value) in enumerate(
        zip(chosen, _units(rng, CONTRACTS, CONTRACT_VALUE, 30), strict=True)
    ):
        signed = matched + timedelta(days=rng.randint(14, min(90, (end - matched).days)))
        starts = signed + timedelta(days=rng.randint(1, 10))
        ends = starts + timedelta(days=rng.randint(365, 730))
        parts = rng.choice(((4, 6), (3, 4, 3), (2, 5, 3)))
        amounts = [(value * p / 10 / 10000).quantize(Decimal(1)) * 10000 for p in parts[:-1]]
        amounts.append(value - sum(amounts))
        span = (ends - starts).days
        dues = [starts + timedelta(days=span * (k + 1) // len(parts)) for k in range(len(parts))]
        sid = f"K{n + 1:04d}"
        rows.append(
            {
                "type": "contract", "source_id": sid, "match": match, "signed_at": _at(signed, rng),
                "enterprise_signatory": _person(rng), "carrier_signatory": _person(rng),
                "value": str(value.quantize(Decimal("0.01"))),
                "scope": f"{demand['title']}：{demand['expected_outcome']}，含技术方案、试验验证与成果交付。",
                "starts_on": starts.isoformat(), "ends_on": ends.isoformat(),
                "ip_ownership": rng.choice(("enterprise", "enterprise", "carrier")),
                "milestones": [
                    {"title": f"第{k + 1}阶段", "deliverables": rng.choice(OUTCOMES), "due_on": due.isoformat(),
                     "amount": str(amount.quantize(Decimal("0.01")))}
                    for k, (due, amount) in enumerate(zip(dues, amounts, strict=True))
                ],
            }
        )  # fmt: skip
        # The first milestone is paid on signing as an advance; the others when they fall due.
        for k, (due, amount) in enumerate(zip(dues, amounts, strict=True)):
            paid = starts if k == 0 else due + timedelta(days=rng.randint(0, 20))
            if paid > date(2020, 12, 28):
                break
            rows.append(
                {
                    "type": "payment", "source_id": f"{sid}-P{k + 1}", "contract": sid, "milestone": k + 1,
                    "amount": str(amount.quantize(Decimal("0.01"))), "paid_on": paid.isoformat(),
                    "reference": f"JITRI-{paid:%Y%m%d}-{n + 1:04d}{k + 1}",
                }
            )  # fmt: skip
    return rows


def _trainees(rng: random.Random, institutes: list[str]) -> list[dict[str, Any]]:
    """The 2019 and 2020 cohorts of joint training, hosted by the research institutes: placed a
    few months in; the 2019 postdocs graduated in 2020."""
    rows: list[dict[str, Any]] = []
    for n in range(TRAINEES):
        cohort = 2019 if n < TRAINEES * 2 // 5 else 2020
        postdoc = rng.random() < 0.12
        starts = _days(date(cohort, 9, 1), date(cohort, 9, 20), rng)
        row: dict[str, Any] = {
            "type": "trainee", "source_id": f"T{n + 1:04d}", "name": _person(rng),
            "programme": "postdoc" if postdoc else "graduate_student",
            "university": DOMESTIC[n % len(DOMESTIC)], "carrier": institutes[n % len(institutes)],
            "fields": [rng.choice(list(FIELDS))], "starts_on": starts.isoformat(),
            "ends_on": starts.replace(year=cohort + (2 if postdoc else 3)).isoformat(),
        }  # fmt: skip
        placed = starts + timedelta(days=rng.randint(60, 120))
        if placed <= date(2020, 12, 20):
            row["placed_at"] = _at(placed, rng)
        if postdoc and cohort == 2019:
            row["graduated_at"] = _at(_days(date(2020, 9, 1), date(2020, 12, 18), rng), rng)
        rows.append(row)
    return rows


def _talent(rng: random.Random) -> tuple[bytes, list[str], list[tuple[str, list[str]]]]:
    """The supply side; the research institutes' names; the carriers a demand may be matched with
    (their names, each once, and fields)."""
    rows: list[dict[str, Any]] = []
    field_names = list(FIELDS)
    institutes: list[str] = []
    for kind, count in SUPPLY.items():
        for i in range(count):
            field = field_names[(i * 3 + len(rows)) % len(field_names)]
            topic, keywords, _ = FIELDS[field]
            city, province = rng.choice(CITIES)
            row: dict[str, Any] = {
                "type": "carrier", "kind": kind, "fields": [field, rng.choice(field_names)], "keywords": keywords,
                "capabilities": f"{topic}方向的研发与中试：{'、'.join(keywords)}，承接企业委托开发与技术服务。",
                "capacity": rng.randint(2, 8),
            }  # fmt: skip
            if kind == "university_overseas":
                name, country = OVERSEAS[i % len(OVERSEAS)]
                row.update(name_en=f"{name} {topic} Lab {i // len(OVERSEAS) + 1}", country=country)
            elif kind == "overseas_platform":
                name, country = OVERSEAS[(i * 5) % len(OVERSEAS)]
                row.update(name_en=f"JITRI Overseas Platform {country}-{i + 1} ({name})", country=country)
            elif kind == "university_domestic":
                row.update(
                    name_zh=f"{DOMESTIC[i % len(DOMESTIC)]}{topic}研究中心{i // len(DOMESTIC) + 1}号",
                    city=city,
                    province=province,
                )
            elif kind == "research_institute":
                row.update(name_zh=f"{city}{topic}技术研究所{i + 1}", city=city, province=province)
                institutes.append(row["name_zh"])
            else:
                row.update(name_zh=f"{city}{topic}研发有限公司{i + 1}", city=city, province=province)
            rows.append(row)
    for role, count in (("project_manager", PROJECT_MANAGERS), ("jitri_researcher", RESEARCHERS)):
        for i in range(count):
            name = _person(rng)
            rows.append(
                {
                    "type": "person", "name": name, "roles": [role], "carrier": institutes[i % len(institutes)],
                    "title": "项目经理" if role == "project_manager" else rng.choice(("研究员", "高级工程师")),
                    "fields": [rng.choice(field_names)], "email": f"{role[:3]}{i + 1:03d}@jitri.example.cn",
                }
            )  # fmt: skip
    names = [str(r.get("name_zh") or r.get("name_en")) for r in rows if r.get("kind") in MATCH_KINDS]
    carriers = [
        (name, r["fields"]) for name, r in zip(names, (r for r in rows if r.get("kind") in MATCH_KINDS), strict=True)
        if names.count(name) == 1
    ]  # fmt: skip
    return b"\n".join(orjson.dumps(r) for r in rows), institutes, carriers


async def load(
    uows: dict[str, UnitOfWorkFactory],
    progress: Progress | None = None,
    matching: MatchingService | None = None,
    after_phase: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, int]:
    """Load the demo data through the imports (twice changes nothing) on the services' units of
    work (demand, talent, matching, contracts; ``matching`` the running matching service, if any);
    ``progress`` shows how far. The matches and contracts wait for the running services'
    consumers (matching must know the demands, the contracts service draft the matches);
    ``after_phase`` wakes their relays when they run in other processes."""
    data = generate()
    shown = progress if progress is not None else Progress("demo data", enabled=False)
    shown.restart("carriers and people")
    talent = await TalentImporter(uows["talent"], shown.update).run(data.talent, "jsonl")
    async with uows["talent"].read() as conn:  # a match names its carrier by id
        ids = {r["name_zh"] or r["name_en"]: r["id"] for r in await TalentRepository(conn).carrier_refs()}
    rows = [
        SourceRow(r.line, {**r.values, "carrier": str(ids[r.values["carrier_name"]])})
        if r.values["type"] == "match"
        else r
        for r in data.history
    ]
    history = await import_rows(rows, None, uows, shown, matching, after_phase)
    problems = [*talent.problems, *history.problems]
    if problems:
        raise RuntimeError(f"the demo data does not import: {problems[:3]}")
    loaded = {
        "carriers": talent.carriers.created + talent.carriers.unchanged,
        "people": talent.people.created + talent.people.unchanged,
    }
    for name in (
        "enterprises",
        "centers",
        "demands",
        "matches",
        "contracts",
        "payments",
        "funds",
        "investments",
        "trainees",
    ):
        counts = history.count(name)
        loaded[name] = counts.created + counts.unchanged
    return loaded
