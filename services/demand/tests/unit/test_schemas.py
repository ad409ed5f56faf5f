"""DemandCreate at the edge: Chinese-aware lengths, money, deadlines, TRL, field codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.demand.schemas import Contact, DemandCreate, TransitionBody

ENTERPRISE = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
CST = timezone(timedelta(hours=8))


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "enterprise_id": ENTERPRISE,
        "title": "高镍三元正极材料循环寿命提升",
        "description": "动力电池高镍正极材料在高温循环下容量衰减快，需开发表面包覆与掺杂工艺。",
        "fields": ["energy.batteries"],
        "keywords": ["高镍正极", "coating"],
        "demand_type": "technology_development",
        "expected_outcome": "中试工艺包",
        "trl_current": 3,
        "trl_target": 6,
        "budget": "3500000.00",
        "deadline": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
        "contact": {"name": "王工", "phone": "+86 519 8888 0000"},
    }
    body.update(overrides)
    return body


def _error_locs(body: dict[str, Any]) -> list[tuple[int | str, ...]]:
    with pytest.raises(ValidationError) as info:
        DemandCreate.model_validate(body)
    return [tuple(e["loc"]) for e in info.value.errors()]


def test_valid_body() -> None:
    d = DemandCreate.model_validate(_body())
    assert d.budget == Decimal("3500000.00")
    assert d.deadline is not None and d.deadline.tzinfo is not None
    assert d.submit is True


def test_title_of_100_chinese_characters_is_accepted_though_300_bytes() -> None:
    title = "锂" * 100
    assert len(title.encode()) == 300
    assert DemandCreate.model_validate(_body(title=title)).title == title


def test_title_of_101_chinese_characters_is_rejected() -> None:
    assert _error_locs(_body(title="锂" * 101)) == [("title",)]


def test_title_is_stripped_before_counting() -> None:
    assert DemandCreate.model_validate(_body(title="  " + "锂" * 100 + "\u3000 ")).title == "锂" * 100


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=4, max_size=100))
def test_any_chinese_title_within_limits_is_accepted(title: str) -> None:
    assert DemandCreate.model_validate(_body(title=title)).title == title


@pytest.mark.parametrize("title", ["锂电", "abc", "锂" * 101, "a" * 101])
def test_title_outside_4_to_100_characters(title: str) -> None:
    assert _error_locs(_body(title=title)) == [("title",)]


def test_deadline_in_the_past_is_rejected() -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    assert _error_locs(_body(deadline=past)) == [("deadline",)]


def test_naive_deadline_is_rejected() -> None:
    with pytest.raises(ValidationError, match="time zone") as info:
        DemandCreate.model_validate(_body(deadline="2099-06-30T00:00:00"))
    assert [e["loc"] for e in info.value.errors()] == [("deadline",)]


def test_deadline_with_offset_is_converted_to_utc() -> None:
    d = DemandCreate.model_validate(_body(deadline=datetime(2099, 6, 30, 8, 0, tzinfo=CST)))
    assert d.deadline == datetime(2099, 6, 30, 0, 0, tzinfo=UTC)
    assert d.deadline is not None and d.deadline.utcoffset() == timedelta(0)


def test_no_deadline_is_fine() -> None:
    assert DemandCreate.model_validate(_body(deadline=None)).deadline is None


@pytest.mark.parametrize(("current", "target"), [(5, 5), (6, 3), (9, 1)])
def test_trl_target_must_be_above_current(current: int, target: int) -> None:
    with pytest.raises(ValidationError, match="trl_target must be above trl_current"):
        DemandCreate.model_validate(_body(trl_current=current, trl_target=target))


def test_trl_error_names_the_field() -> None:
    assert _error_locs(_body(trl_current=6, trl_target=3)) == [("trl_target",)]


@pytest.mark.parametrize("trl", [0, 10])
def test_trl_range(trl: int) -> None:
    assert _error_locs(_body(trl_current=trl, trl_target=None)) == [("trl_current",)]


def test_unknown_field_code_is_rejected() -> None:
    with pytest.raises(ValidationError, match="unknown technical field") as info:
        DemandCreate.model_validate(_body(fields=["energy.batteries", "energy.fusion"]))
    assert [e["loc"] for e in info.value.errors()] == [("fields",)]


@pytest.mark.parametrize("fields", [[], [f"x{i}" for i in range(9)]])
def test_field_count_limits(fields: list[str]) -> None:
    assert _error_locs(_body(fields=fields)) == [("fields",)]


def test_duplicate_fields_are_collapsed_in_order() -> None:
    d = DemandCreate.model_validate(_body(fields=["it.ai", "energy.batteries", "it.ai"]))
    assert d.fields == ["it.ai", "energy.batteries"]


@pytest.mark.parametrize("budget", ["-1", "1.005", "NaN", "Infinity", "-0.01"])
def test_bad_budget_names_the_field(budget: str) -> None:
    assert _error_locs(_body(budget=budget)) == [("budget",)]


def test_budget_is_exact_decimal() -> None:
    assert DemandCreate.model_validate(_body(budget="1710000000.10")).budget == Decimal("1710000000.10")


def test_unknown_attribute_is_forbidden() -> None:
    assert _error_locs(_body(status="published")) == [("status",)]


def test_keywords_are_character_counted() -> None:
    assert DemandCreate.model_validate(_body(keywords=["锂" * 30])).keywords == ["锂" * 30]
    assert _error_locs(_body(keywords=["锂" * 31])) == [("keywords", 0)]


def test_contact_validation() -> None:
    assert Contact.model_validate({"name": "王工", "email": "wang@example.cn"}).name == "王工"
    with pytest.raises(ValidationError):
        Contact.model_validate({"name": "王工", "email": "not-an-email"})
    with pytest.raises(ValidationError):
        Contact.model_validate({"name": "王工", "phone": "call me"})


def test_transition_body_reason() -> None:
    assert TransitionBody.model_validate({}).reason is None
    assert TransitionBody.model_validate({"reason": " 预算不足 "}).reason == "预算不足"
    with pytest.raises(ValidationError):
        TransitionBody.model_validate({"reason": "x"})
