"""Edge validators: exact money and character-counted (not byte-counted) lengths."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.validation import (
    MONEY_PATTERN,
    POSITIVE_MONEY_PATTERN,
    IsoDate,
    IsoDateTime,
    Keywords,
    Money,
    PositiveMoney,
    TechFields,
    chars,
    check_fields,
    check_money,
    exact_decimal_string,
    text_pattern,
)

money = TypeAdapter(Money)
title = TypeAdapter(Annotated[str, chars(4, 100)])
MAX_MONEY = Decimal("9999999999999999.99")  # 18 digits, 2 after the point

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


class Budget(BaseModel):
    amount: Money


# --- Money --------------------------------------------------------------------------------


@settings(max_examples=100)
@given(st.decimals(min_value=0, max_value=MAX_MONEY, places=2, allow_nan=False, allow_infinity=False))
def test_money_accepts_non_negative_two_place_amounts(amount: Decimal) -> None:
    assert money.validate_python(amount) == amount
    assert money.validate_python(f"{amount:f}") == amount


@settings(max_examples=100)
@given(st.decimals(min_value=0, max_value=10**12, places=0, allow_nan=False, allow_infinity=False))
def test_money_accepts_whole_amounts(amount: Decimal) -> None:
    assert money.validate_python(amount) == amount


@settings(max_examples=100)
@given(st.decimals(max_value=Decimal("-0.01"), min_value=-MAX_MONEY, places=2, allow_nan=False, allow_infinity=False))
def test_money_rejects_negative_amounts(amount: Decimal) -> None:
    with pytest.raises(ValidationError):
        money.validate_python(amount)


@settings(max_examples=100)
@given(
    st.integers(3, 8).flatmap(
        lambda places: st.decimals(min_value=0, max_value=10**6, places=places, allow_nan=False, allow_infinity=False)
    )
)
def test_money_rejects_three_or_more_decimal_places(amount: Decimal) -> None:
    # Decimals with 3+ places as written are refused, even 1.000: amounts are in fen at most.
    with pytest.raises(ValidationError):
        money.validate_python(amount)


@pytest.mark.parametrize("amount", ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", Decimal("NaN"), Decimal("Inf")])
def test_money_rejects_non_finite(amount: object) -> None:
    with pytest.raises(ValidationError):
        money.validate_python(amount)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-1"), Decimal("0.001")])
def test_check_money_on_its_own(amount: Decimal) -> None:
    with pytest.raises(ValueError):
        check_money(amount)


def test_money_error_names_the_field_and_serialises_exactly() -> None:
    with pytest.raises(ValidationError) as info:
        Budget.model_validate({"amount": "-5"})
    assert [e["loc"] for e in info.value.errors()] == [("amount",)]
    b = Budget.model_validate({"amount": "1710000000.10"})
    assert b.model_dump_json() == '{"amount":"1710000000.10"}'


def test_money_too_many_digits() -> None:
    with pytest.raises(ValidationError):
        money.validate_python("12345678901234567.00")


# --- character-counted lengths -------------------------------------------------------------


@settings(max_examples=100)
@given(st.text(alphabet=cjk, min_size=4, max_size=100))
def test_chinese_within_limits_is_accepted(text: str) -> None:
    assert title.validate_python(text) == text


@settings(max_examples=50)
@given(st.text(alphabet=cjk, min_size=101, max_size=150))
def test_chinese_over_limit_is_rejected(text: str) -> None:
    with pytest.raises(ValidationError, match=f"at most 100 characters, got {len(text)}"):
        title.validate_python(text)


def test_hundred_chinese_characters_are_300_bytes_and_fit() -> None:
    text = "复" * 100
    assert len(text.encode("utf-8")) == 300
    assert title.validate_python(text) == text
    with pytest.raises(ValidationError):
        title.validate_python(text + "合")


def test_lower_limit_counts_characters() -> None:
    assert title.validate_python("复合材料") == "复合材料"
    with pytest.raises(ValidationError, match="at least 4 characters, got 3"):
        title.validate_python("复合材")


def test_characters_are_code_points_as_json_schema_counts_them() -> None:
    decomposed = unicodedata.normalize("NFD", "Café")  # 5 code points, 4 after NFC
    assert TypeAdapter(Annotated[str, chars(1, 5)]).validate_python(decomposed) == decomposed
    with pytest.raises(ValidationError, match="at most 4 characters, got 5"):
        TypeAdapter(Annotated[str, chars(1, 4)]).validate_python(decomposed)


_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
texts = st.text(st.sampled_from(_SPACES) | st.characters(), max_size=12)


@settings(max_examples=300)
@given(texts, st.sampled_from([(0, 5), (1, 1), (1, 6), (2, 3), (4, 10)]))
def test_the_documented_pattern_accepts_exactly_what_chars_accepts(text: str, limits: tuple[int, int]) -> None:
    # The document's pattern (applied as JSON Schema validators do: re.search) and the validator agree.
    adapter = TypeAdapter(Annotated[str, chars(*limits)])
    pattern = adapter.json_schema()["pattern"]
    assert pattern == text_pattern(*limits)
    try:
        adapter.validate_python(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == (re.search(pattern, text) is not None), (text, limits)


@settings(max_examples=300)
@given(st.from_regex(MONEY_PATTERN) | st.text("0123456789.-+eE ", max_size=8))
def test_the_documented_money_pattern_is_what_money_accepts(text: str) -> None:
    try:
        money.validate_python(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == (re.search(MONEY_PATTERN, text) is not None), text
    positive = TypeAdapter(PositiveMoney)
    try:
        positive.validate_python(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == (re.search(POSITIVE_MONEY_PATTERN, text) is not None), text
    assert money.json_schema()["pattern"] == MONEY_PATTERN


def test_surrounding_whitespace_is_stripped_and_not_counted() -> None:
    assert title.validate_python("\u3000 复合材料 \n") == "复合材料"
    with pytest.raises(ValidationError):
        title.validate_python("   复合 ")


# --- technical fields and keywords ------------------------------------------------------------


def test_tech_fields() -> None:
    fields = TypeAdapter(TechFields)
    assert fields.validate_python(["it.ai", "it.ai", "materials"]) == ["it.ai", "materials"]
    with pytest.raises(ValidationError, match="unknown technical field"):
        fields.validate_python(["it.quantum"])
    with pytest.raises(ValidationError):
        fields.validate_python([])


def test_check_fields_lists_every_unknown_code() -> None:
    with pytest.raises(ValueError, match="foo, bar"):
        check_fields(["it.ai", "foo", "bar"])


def test_keywords() -> None:
    kw = TypeAdapter(Keywords)
    assert kw.validate_python(["固态电池", "solid-state battery"]) == ["固态电池", "solid-state battery"]
    with pytest.raises(ValidationError):
        kw.validate_python([""])
    with pytest.raises(ValidationError):
        kw.validate_python([f"k{i}" for i in range(21)])


@pytest.mark.parametrize("number", [2500000, 2500000.0, 1.5, 0, True])
def test_money_refuses_a_json_number_naming_the_field(number: object) -> None:
    with pytest.raises(ValidationError) as info:
        Budget.model_validate_json(f'{{"amount": {str(number).lower()}}}')
    (error,) = info.value.errors()
    assert error["loc"] == ("amount",) and "exact decimal strings" in error["msg"]
    with pytest.raises(ValidationError):
        Budget.model_validate({"amount": number})
    assert Budget.model_validate_json('{"amount": "2500000"}').amount == Decimal("2500000.00")


def _exactly_money(annotation: object, metadata: list[object]) -> tuple[bool, bool]:
    """(whether the type involves a Decimal, whether it is the shared Money type)."""
    import typing

    found_decimal, found_money = False, False
    for m in metadata:
        found_money |= getattr(m, "func", None) is exact_decimal_string
    stack = [annotation]
    while stack:
        t = stack.pop()
        if t is Decimal:
            found_decimal = True
        if typing.get_origin(t) is Annotated:
            found_money |= any(getattr(m, "func", None) is exact_decimal_string for m in typing.get_args(t)[1:])
        stack.extend(typing.get_args(t))
    return found_decimal, found_money


def test_every_money_field_of_every_service_is_the_shared_money_type() -> None:
    """Every decimal a service accepts in a request body is ``Money`` (percentages aside)."""
    import importlib

    checked, offenders = [], []
    for service in ("demand", "talent", "matching", "contracts", "dashboard"):
        schemas = importlib.import_module(f"services.{service}.schemas")
        for model in vars(schemas).values():
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                continue
            if model.model_config.get("extra") != "forbid":  # what a service answers, not what it accepts
                continue
            for name, field in model.model_fields.items():
                is_decimal, is_money = _exactly_money(field.annotation, field.metadata)
                if is_decimal and not any(w in name for w in ("percent", "share")):
                    checked.append(name)
                    if not is_money:
                        offenders.append(f"{service}.{model.__name__}.{name}")
    assert offenders == []
    assert {"budget", "committed_funding", "amount", "value", "grant_amount"} <= set(checked)


@pytest.mark.parametrize("value", ["0", "1700000000", " -5 ", "1.5", 0, 1700000000.0])
def test_dates_in_the_api_are_iso_8601_not_unix_timestamps(value: object) -> None:
    # Pydantic alone reads "0" as 1970-01-01; the document promises format: date / date-time.
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDate).validate_python(value)
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDateTime).validate_python(value)


def test_iso_8601_dates_and_times_are_read() -> None:
    assert str(TypeAdapter(IsoDate).validate_python("2026-01-02")) == "2026-01-02"
    assert TypeAdapter(IsoDateTime).validate_python("2026-01-02T03:04:05+08:00").utcoffset() is not None


@settings(max_examples=200)
@given(st.from_regex(r"^[a-z][a-z0-9_]*$") | texts)
def test_a_pattern_on_chars_applies_as_the_document_says(text: str) -> None:
    pattern = r"^[a-z][a-z0-9_]*$"
    adapter = TypeAdapter(Annotated[str, chars(2, 50, pattern=pattern)])
    schema = adapter.json_schema()
    expected = all(re.search(p, text) for p in (schema["pattern"], schema["allOf"][0]["pattern"]))
    try:
        adapter.validate_python(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == expected, text
