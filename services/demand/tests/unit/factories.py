"""Builders of demand-side test data: realistic values, no I/O."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.demand.domain import Confidentiality, Demand, DemandStatus, DemandType

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ENTERPRISE_ID = uuid.UUID("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")


def demand_attrs(**overrides: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "enterprise_id": ENTERPRISE_ID,
        "title": "高镍三元正极材料循环寿命提升",
        "description": (
            "我司动力电池高镍正极材料在高温循环下容量衰减快，需开发表面包覆与掺杂工艺，使1000次循环容量保持率达到90%以上。"
        ),
        "fields": ["energy.batteries", "materials.nano"],
        "keywords": ["高镍正极", "表面包覆", "循环寿命"],
        "demand_type": DemandType.DEVELOPMENT,
        "expected_outcome": "中试工艺包与专利",
        "trl_current": 3,
        "trl_target": 6,
        "budget": Decimal("3500000.00"),
        "deadline": NOW + timedelta(days=180),
        "province": "江苏省",
        "city": "常州市",
        "center_id": None,
        "contact": {"name": "王工", "phone": "+86 519 8888 0000"},
        "confidentiality": Confidentiality.PUBLIC,
    }
    attrs.update(overrides)
    return attrs


def make_demand(status: DemandStatus = DemandStatus.DRAFT, *, submit: bool = False, **overrides: Any) -> Demand:
    """A demand in ``status`` as if loaded from the repository: no pending events."""
    d = Demand.create(now=NOW, submit=submit, **demand_attrs(**overrides))
    return replace(d, status=status, events=[])
