"""Demo data for the embedded platform: a few enterprises, carriers and demands, through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from services.demand.domain import credit_code_check_char
from shared.auth import issue_token
from shared.settings import ServiceSettings

CARRIERS = [
    {
        "kind": "research_institute",
        "name_zh": "先进储能技术研究所",
        "name_en": "Institute of Advanced Energy Storage",
        "city": "苏州",
        "province": "江苏",
        "fields": ["energy.batteries", "materials.nano"],
        "capabilities": "锂离子电池正极材料、固态电解质、电池热管理与安全评估。"
        "Solid-state electrolytes, cathode materials.",
        "keywords": ["锂电池", "固态电池", "solid-state battery"],
        "capacity": 4,
    },
    {
        "kind": "research_institute",
        "name_zh": "集成电路设计研究所",
        "name_en": "IC Design Institute",
        "city": "南京",
        "province": "江苏",
        "fields": ["ic.design", "ic.power"],
        "capabilities": "模拟与混合信号芯片设计，功率器件驱动芯片，SiC MOSFET gate drivers and power management ICs.",
        "keywords": ["芯片设计", "power IC", "SiC"],
        "capacity": 3,
    },
    {
        "kind": "university_domestic",
        "name_zh": "东南材料学院复合材料中心",
        "name_en": "Composite Materials Center",
        "city": "南京",
        "province": "江苏",
        "fields": ["materials.composites", "manufacturing.additive"],
        "capabilities": "碳纤维复合材料成型工艺、轻量化结构设计、3D printing of continuous fibre composites.",
        "keywords": ["碳纤维", "轻量化", "carbon fibre"],
        "capacity": 5,
    },
    {
        "kind": "overseas_platform",
        "name_en": "Munich Robotics Lab",
        "city": "Munich",
        "country": "DE",
        "fields": ["manufacturing.robotics", "it.ai"],
        "capabilities": "Collaborative robots, robot vision and grasping, reinforcement learning for assembly lines.",
        "keywords": ["cobot", "machine vision", "机器视觉"],
        "capacity": 2,
    },
    {
        "kind": "research_institute",
        "name_zh": "膜科学与水处理研究所",
        "name_en": "Membrane and Water Institute",
        "city": "常州",
        "province": "江苏",
        "fields": ["environment.water", "materials.polymers"],
        "capabilities": "反渗透膜、纳滤膜制备，工业废水零排放工艺。Industrial wastewater zero liquid discharge.",
        "keywords": ["膜分离", "废水处理", "membrane"],
        "capacity": 4,
    },
]


def credit_code(seq: int) -> str:
    first17 = f"91320500MA{seq:07d}"
    return first17 + credit_code_check_char(first17)


async def load_demo(base_url: str) -> dict[str, int]:
    admin = issue_token(ServiceSettings(), subject="demo-loader", roles=["admin"])
    async with httpx.AsyncClient(base_url=base_url, timeout=10, headers={"Authorization": f"Bearer {admin}"}) as c:
        for i, carrier in enumerate(CARRIERS):
            r = await c.post("/api/v1/carriers", json=carrier, headers={"Idempotency-Key": f"demo-carrier-{i}"})
            r.raise_for_status()
        ent = await c.post(
            "/api/v1/enterprises",
            headers={"Idempotency-Key": "demo-enterprise-1"},
            json={
                "name_zh": "苏州新能动力科技有限公司",
                "name_en": "Suzhou NewPower Technology",
                "credit_code": credit_code(1),
                "province": "江苏",
                "city": "苏州",
                "industry_code": "C38",
                "size": "large",
                "contacts": [{"name": "王工", "email": "wang@example.com"}],
            },
        )
        ent.raise_for_status()
        deadline = (datetime.now(UTC) + timedelta(days=180)).isoformat()
        demands = [
            {
                "title": "高安全性固态锂电池电解质开发",
                "description": "开发用于电动汽车的固态电解质，提高锂电池的能量密度与热安全性，要求循环寿命超过2000次。",
                "fields": ["energy.batteries"],
                "keywords": ["固态电池", "电解质"],
                "budget": "3000000.00",
            },
            {
                "title": "SiC power module gate driver",
                "description": "We need a gate driver IC for 1200 V SiC MOSFET power modules used in EV inverters, "
                "with desaturation "
                "protection.",
                "fields": ["ic.power"],
                "keywords": ["SiC", "gate driver"],
                "budget": "1500000.00",
            },
        ]
        for i, d in enumerate(demands):
            r = await c.post(
                "/api/v1/demands",
                headers={"Idempotency-Key": f"demo-demand-{i}"},
                json={
                    **d,
                    "enterprise_id": ent.json()["id"],
                    "demand_type": "technology_development",
                    "expected_outcome": "样机与技术报告 / prototype and report",
                    "trl_current": 3,
                    "trl_target": 6,
                    "deadline": deadline,
                    "province": "江苏",
                    "city": "苏州",
                    "contact": {"name": "王工"},
                },
            )
            r.raise_for_status()
    return {"carriers": len(CARRIERS), "enterprises": 1, "demands": len(demands)}
