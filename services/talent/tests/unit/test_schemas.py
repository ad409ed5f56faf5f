"""CarrierCreate at the edge: bilingual names, character-counted lengths, field codes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.talent.domain import CarrierKind, CarrierStatus
from services.talent.schemas import CarrierCreate


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "research_institute",
        "name_zh": "先进储能材料研究所",
        "city": "常州市",
        "province": "江苏省",
        "fields": ["energy.batteries", "materials.nano"],
        "capabilities": "锂离子电池正极材料、固态电解质、电池循环寿命测试与失效分析",
        "equipment": ["手套箱", "电池循环测试系统"],
        "keywords": ["锂电池", "正极材料"],
        "capacity": 8,
    }
    body.update(overrides)
    return body


def _error_locs(body: dict[str, Any]) -> list[tuple[int | str, ...]]:
    with pytest.raises(ValidationError) as info:
        CarrierCreate.model_validate(body)
    return [tuple(e["loc"]) for e in info.value.errors()]


def test_valid_chinese_carrier() -> None:
    c = CarrierCreate.model_validate(_body())
    assert c.kind is CarrierKind.RESEARCH_INSTITUTE
    assert c.status is CarrierStatus.ACTIVE and c.country == "CN"


def test_overseas_english_carrier() -> None:
    c = CarrierCreate.model_validate(
        _body(
            kind="university_overseas",
            name_zh=None,
            name_en="Photonics Lab, University of Southampton",
            city="Southampton",
            province=None,
            country="GB",
            fields=["photonics.lasers"],
            capabilities="Fibre lasers and laser welding of dissimilar metals",
        )
    )
    assert c.name_en and c.country == "GB"


def test_a_name_is_required() -> None:
    with pytest.raises(ValidationError, match="name_zh, name_en or both"):
        CarrierCreate.model_validate(_body(name_zh=None))


def test_names_are_character_counted() -> None:
    assert CarrierCreate.model_validate(_body(name_zh="研" * 100)).name_zh == "研" * 100
    assert _error_locs(_body(name_zh="研" * 101)) == [("name_zh",)]
    assert _error_locs(_body(name_zh="研")) == [("name_zh",)]


def test_capabilities_count_characters_not_bytes() -> None:
    ten = "固态电解质界面研究"  # 9 characters, 27 bytes
    assert _error_locs(_body(capabilities=ten)) == [("capabilities",)]
    assert CarrierCreate.model_validate(_body(capabilities=ten + "。")).capabilities == ten + "。"


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=100))
def test_any_chinese_name_within_limits(name: str) -> None:
    assert CarrierCreate.model_validate(_body(name_zh=name)).name_zh == name


@pytest.mark.parametrize("country", ["cn", "CHN", "C", "中国"])
def test_country_is_an_iso_alpha2_code(country: str) -> None:
    assert _error_locs(_body(country=country)) == [("country",)]


def test_unknown_field_codes_are_rejected() -> None:
    assert _error_locs(_body(fields=["energy.fusion"])) == [("fields",)]


@pytest.mark.parametrize("capacity", [-1, 1001])
def test_capacity_range(capacity: int) -> None:
    assert _error_locs(_body(capacity=capacity)) == [("capacity",)]


def test_unknown_kind_and_extra_attributes() -> None:
    assert _error_locs(_body(kind="think_tank")) == [("kind",)]
    assert _error_locs(_body(rating=5)) == [("rating",)]


def test_equipment_limits() -> None:
    assert _error_locs(_body(equipment=[""])) == [("equipment", 0)]
    assert _error_locs(_body(equipment=["设备"] * 51)) == [("equipment",)]
