"""The controlled vocabulary of technical fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared import vocabulary
from shared.vocabulary import FIELDS, field_similarity, is_known, parent_of

codes = st.sampled_from(sorted(FIELDS))


def test_every_child_has_a_known_parent_and_bilingual_labels() -> None:
    for code, f in FIELDS.items():
        assert f.code == code
        assert f.zh and f.en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.zh)
        if f.parent is not None:
            assert f.parent in FIELDS and "." not in f.parent


def test_codes_are_unique() -> None:
    assert len(FIELDS) == len(vocabulary._FIELDS)


@pytest.mark.parametrize(
    ("a", "b", "similarity"),
    [
        ("energy.batteries", "energy.batteries", 1.0),
        ("energy", "energy", 1.0),
        ("energy.batteries", "energy", 0.5),
        ("energy", "energy.batteries", 0.5),
        ("energy.batteries", "energy.solar", 0.5),
        ("energy.batteries", "materials.nano", 0.0),
        ("energy", "materials", 0.0),
    ],
)
def test_field_similarity(a: str, b: str, similarity: float) -> None:
    assert field_similarity(a, b) == similarity


@given(codes, codes)
def test_field_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    s = field_similarity(a, b)
    assert s == field_similarity(b, a)
    assert s in (0.0, 0.5, 1.0)
    assert (s == 1.0) == (a == b)


def test_lookups() -> None:
    assert is_known("it.ai") and not is_known("it.quantum") and not is_known("")
    assert parent_of("it.ai") == "it"
    assert parent_of("it") is None
    assert parent_of("it.quantum") is None
