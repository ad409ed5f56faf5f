"""Unified social credit codes (GB 32100-2015): the check character, property-based.

The check character is ``31 - (sum of value * 3**i mod 31) mod 31``. Because 31 is prime
and no weight is a multiple of 31, every single-character substitution changes the sum
mod 31 and is caught; because 3 is a primitive root mod 31 the 17 weights are distinct,
so swapping any two different characters of the first 17 is caught too.
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.demand.domain import CREDIT_CODE_ALPHABET, credit_code_check_char, credit_code_problem
from services.demand.schemas import EnterpriseCreate

first17 = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17)
NOT_IN_ALPHABET = "IOZSV" + string.ascii_lowercase + "-_ 中Ｏ"

# Codes published by registered enterprises (business licences, annual reports).
REAL_CODES = [
    "91350100M000100Y43",  # the example used in explanations of the standard
    "914403001922038216",
    "91330100716105852F",
    "9144030071526726XG",
    "91110000100010433L",
]


def test_alphabet_is_the_standards() -> None:
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert len(set(CREDIT_CODE_ALPHABET)) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)
    assert CREDIT_CODE_ALPHABET == CREDIT_CODE_ALPHABET.upper()


@settings(max_examples=150)
@given(first17)
def test_appending_the_check_char_gives_a_valid_code(body: str) -> None:
    check = credit_code_check_char(body)
    assert check in CREDIT_CODE_ALPHABET
    assert credit_code_problem(body + check) is None


@settings(max_examples=150)
@given(first17, st.integers(0, 17), st.sampled_from(CREDIT_CODE_ALPHABET))
def test_every_single_substitution_is_caught(body: str, pos: int, replacement: str) -> None:
    code = body + credit_code_check_char(body)
    assume(code[pos] != replacement)
    changed = code[:pos] + replacement + code[pos + 1 :]
    problem = credit_code_problem(changed)
    assert problem is not None and "check character" in problem


def test_every_single_substitution_is_caught_exhaustively_for_one_code() -> None:
    code = REAL_CODES[1]
    for pos in range(18):
        for replacement in CREDIT_CODE_ALPHABET:
            if replacement != code[pos]:
                assert credit_code_problem(code[:pos] + replacement + code[pos + 1 :]) is not None, (pos, replacement)


@settings(max_examples=150)
@given(first17, st.integers(0, 16), st.integers(0, 16))
def test_every_transposition_in_the_body_is_caught(body: str, i: int, j: int) -> None:
    assume(body[i] != body[j])
    code = body + credit_code_check_char(body)
    chars = list(code)
    chars[i], chars[j] = chars[j], chars[i]
    assert credit_code_problem("".join(chars)) is not None


@settings(max_examples=100)
@given(first17, st.integers(0, 17), st.sampled_from(NOT_IN_ALPHABET))
def test_characters_outside_the_alphabet_are_rejected(body: str, pos: int, bad: str) -> None:
    code = body + credit_code_check_char(body)
    changed = code[:pos] + bad + code[pos + 1 :]
    problem = credit_code_problem(changed)
    assert problem is not None and "alphabet" in problem and bad in problem


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y4", "91350100M000100Y430", "91350100M000100Y43 "])
def test_wrong_length(code: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None and "18 characters" in problem


def test_lower_case_is_rejected_by_the_check_itself() -> None:
    problem = credit_code_problem("91350100m000100y43")
    assert problem is not None and "alphabet" in problem


def test_known_wrong_check_char_names_the_expected_one() -> None:
    assert credit_code_problem("91350100M000100Y44") == "check character is 4, expected 3"


# --- EnterpriseCreate ---------------------------------------------------------------------


def _enterprise(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name_zh": "常州锂源新能源科技有限公司",
        "credit_code": REAL_CODES[0],
        "province": "江苏省",
        "city": "常州市",
        "industry_code": "C38",
        "size": "medium",
        "contacts": [{"name": "李经理", "email": "li@example.cn"}],
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("raw", [code.lower() for code in REAL_CODES] + ["  91350100m000100Y43\t"])
def test_enterprise_create_normalises_to_upper_case(raw: str) -> None:
    e = EnterpriseCreate.model_validate(_enterprise(credit_code=raw))
    assert e.credit_code == raw.strip().upper()
    assert credit_code_problem(e.credit_code) is None


@pytest.mark.parametrize("raw", ["91350100M000100Y44", "91350100M000100I43", "not a code"])
def test_enterprise_create_rejects_invalid_codes(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        EnterpriseCreate.model_validate(_enterprise(credit_code=raw))
    assert [e["loc"] for e in info.value.errors()] == [("credit_code",)]


def test_enterprise_needs_a_name() -> None:
    with pytest.raises(ValidationError, match="name_zh, name_en or both"):
        EnterpriseCreate.model_validate(_enterprise(name_zh=None))
    assert EnterpriseCreate.model_validate(_enterprise(name_zh=None, name_en="Changzhou Li Source")).name_en


@pytest.mark.parametrize(
    ("code", "ok"), [("C38", True), ("C3841", True), ("I65", True), ("c38", False), ("U12", False)]
)
def test_enterprise_industry_code(code: str, ok: bool) -> None:
    if ok:
        assert EnterpriseCreate.model_validate(_enterprise(industry_code=code)).industry_code == code
    else:
        with pytest.raises(ValidationError):
            EnterpriseCreate.model_validate(_enterprise(industry_code=code))
