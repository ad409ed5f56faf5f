"""Text handling that treats Chinese properly.

Chinese has no spaces between words, so whitespace tokenisation finds nothing useful in
it. We index runs of CJK characters as overlapping character bigrams (plus single
characters for one-character runs) and Latin text as lower-cased words, which works for
Chinese, English and mixed text without a dictionary or a downloaded model.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# CJK ideographs: Extension A, the URO, compatibility ideographs, and Extensions B-H (GB 18030-2022).
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")

_EN_STOP = frozenset(
    """a an and are as at be by for from has have in into is it its of on or that the their this to
    was we were will with our your can need needs use using based new high low""".split()
)
# Function characters that split a CJK run into content pieces.
_ZH_STOP = re.compile("[的了和与及或在是对为等将把被]")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width, compatibility forms) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _stem(word: str) -> str:
    # A light English stemmer: enough to meet "batteries"/"battery", "coatings"/"coating".
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Index terms: CJK character bigrams and stemmed English words."""
    out: list[str] = []
    for run in _TOKEN.findall(normalize(text)):
        if not run[0].isascii():
            for piece in _ZH_STOP.split(run) if len(run) > 2 else [run]:
                if len(piece) == 1:
                    if not _ZH_STOP.fullmatch(piece):
                        out.append(piece)
                else:
                    out.extend(piece[i : i + 2] for i in range(len(piece) - 1))
        elif run not in _EN_STOP and not run.isdigit():
            out.append(_stem(run))
    return out


def term_counts(*texts: str) -> Counter[str]:
    c: Counter[str] = Counter()
    for t in texts:
        c.update(tokenize(t))
    return c
