"""Chinese-aware tokenisation: CJK bigrams, English stems, NFKC, stop characters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.text import normalize, term_counts, tokenize

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
STOP_CHARS = "的了和与及或在是对为等将把被"


def test_cjk_run_becomes_overlapping_bigrams() -> None:
    assert tokenize("锂电池正极材料") == ["锂电", "电池", "池正", "正极", "极材", "材料"]


def test_two_character_run_is_one_bigram_and_single_character_stays() -> None:
    assert tokenize("材料") == ["材料"]
    assert tokenize("锂") == ["锂"]


def test_english_words_are_lower_cased_stemmed_and_stop_words_dropped() -> None:
    assert tokenize("Lithium Batteries and Coatings for the Grid") == ["lithium", "battery", "coating", "grid"]
    assert tokenize("batteries") == tokenize("battery") == ["battery"]
    assert tokenize("coatings") == tokenize("coating")
    assert tokenize("glass") == ["glass"]  # -ss is not a plural


def test_pure_numbers_dropped_but_technical_tokens_kept() -> None:
    assert tokenize("C++ and C# on li-ion cells, 5G, 2024") == ["c++", "c#", "li-ion", "cell", "5g"]


def test_mixed_chinese_and_english() -> None:
    assert tokenize("固态电池 solid-state electrolytes 界面") == [
        "固态",
        "态电",
        "电池",
        "solid-state",
        "electrolyte",
        "界面",
    ]


def test_full_width_characters_are_normalised() -> None:
    assert tokenize("ＡＩ芯片　ＧＰＵ") == ["ai", "芯片", "gpu"]
    assert tokenize("ＡＩ芯片　ＧＰＵ") == tokenize("AI芯片 GPU")
    assert tokenize("ｌｉｔｈｉｕｍ　ｂａｔｔｅｒｉｅｓ") == ["lithium", "battery"]
    assert normalize("Ｃ３８") == "c38"


def test_full_width_punctuation_separates_runs() -> None:
    assert tokenize("石墨烯／碳纳米管，涂层") == ["石墨", "墨烯", "碳纳", "纳米", "米管", "涂层"]


def test_stop_characters_split_runs() -> None:
    # "能的复" and "料和涂" bigrams would be noise: the function characters split the run.
    assert tokenize("高性能的复合材料和涂层") == ["高性", "性能", "复合", "合材", "材料", "涂层"]
    assert tokenize("研究的了") == ["研究"]
    assert tokenize("材料与工艺") == ["材料", "工艺"]


@pytest.mark.parametrize("stop", list(STOP_CHARS))
def test_a_lone_stop_character_yields_nothing(stop: str) -> None:
    assert tokenize(stop) == []
    assert tokenize(f"材{stop}料") == ["材", "料"]


def test_empty_and_punctuation_only() -> None:
    assert tokenize("") == []
    assert tokenize("，。！？、 ... --") == []


@settings(max_examples=100)
@given(st.text(alphabet=cjk, min_size=2, max_size=40).filter(lambda s: not set(s) & set(STOP_CHARS)))
def test_any_cjk_run_without_stop_chars_gives_n_minus_one_bigrams(run: str) -> None:
    tokens = tokenize(run)
    assert tokens == [run[i : i + 2] for i in range(len(run) - 1)]


@settings(max_examples=100)
@given(st.text(max_size=80))
def test_tokens_are_normalised_non_empty_and_stable(text: str) -> None:
    tokens = tokenize(text)
    for t in tokens:
        assert t and t == normalize(t)
        assert not t.isdigit()
        assert " " not in t
    assert tokenize(text) == tokens
    assert tokenize(unicodedata.normalize("NFKC", text)) == tokens


def test_term_counts_over_several_texts() -> None:
    c = term_counts("储能电池", "电池 batteries", "battery")
    assert c["电池"] == 2 and c["battery"] == 2 and c["储能"] == 1


def test_cjk_extension_b_characters_are_indexed() -> None:
    assert tokenize("𠮷野家") == ["𠮷野", "野家"]
