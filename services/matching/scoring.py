"""Ranking carriers for a demand: pure functions, every component in [0, 1].

Text relevance is a TF-IDF cosine over CJK character bigrams and English words
(``shared.text``), so Chinese, English and mixed profiles compare on equal terms.
Field overlap uses the controlled vocabulary (a shared parent counts half). Every
suggestion carries its components and the terms that matched, so a project manager
can see why it was made.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from shared.text import term_counts
from shared.vocabulary import field_similarity

DEFAULT_WEIGHTS: Mapping[str, float] = {"text": 0.5, "fields": 0.3, "region": 0.1, "capacity": 0.1}


@dataclass(frozen=True)
class CarrierDoc:
    carrier_id: str
    name: str
    fields: list[str]
    capabilities: str
    keywords: list[str]
    city: str | None
    province: str | None
    country: str
    capacity: int
    active_load: int = 0

    def terms(self) -> Counter[str]:
        # Keywords are deliberate: count them twice.
        return term_counts(self.name, self.capabilities, " ".join(self.keywords), " ".join(self.keywords))


@dataclass(frozen=True)
class DemandDoc:
    demand_id: str
    title: str
    description: str
    fields: list[str]
    keywords: list[str]
    city: str | None
    province: str | None

    def terms(self) -> Counter[str]:
        # The title says what matters most: weight it double.
        return term_counts(self.title, self.title, self.description, " ".join(self.keywords))


@dataclass(frozen=True)
class Scored:
    carrier_id: str
    score: float
    components: dict[str, float]
    matched_terms: list[str]
    at_capacity: bool


@dataclass
class Corpus:
    """Document frequencies over the carrier profiles, for IDF weights."""

    n_docs: int = 0
    df: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, docs: Iterable[Counter[str]]) -> Corpus:
        c = cls()
        for terms in docs:
            c.n_docs += 1
            c.df.update(terms.keys())
        return c

    def idf(self, term: str) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(term, 0))) + 1.0


def _weighted(terms: Counter[str], corpus: Corpus) -> dict[str, float]:
    return {t: (1 + math.log(n)) * corpus.idf(t) for t, n in terms.items()}


def text_relevance(demand: Counter[str], carrier: Counter[str], corpus: Corpus) -> tuple[float, list[str]]:
    """Cosine of the TF-IDF vectors, and the shared terms by their contribution."""
    if not demand or not carrier:
        return 0.0, []
    dv, cv = _weighted(demand, corpus), _weighted(carrier, corpus)
    common = dv.keys() & cv.keys()
    if not common:
        return 0.0, []
    dot = sum(dv[t] * cv[t] for t in common)
    norm = math.sqrt(sum(v * v for v in dv.values())) * math.sqrt(sum(v * v for v in cv.values()))
    top = sorted(common, key=lambda t: dv[t] * cv[t], reverse=True)[:8]
    return min(1.0, dot / norm), top


def field_overlap(demand_fields: list[str], carrier_fields: list[str]) -> float:
    """Mean over the demand's fields of the best match among the carrier's fields."""
    if not demand_fields or not carrier_fields:
        return 0.0
    return sum(max(field_similarity(d, c) for c in carrier_fields) for d in demand_fields) / len(demand_fields)


def region_fit(demand: DemandDoc, carrier: CarrierDoc) -> float:
    if demand.city and carrier.city and demand.city == carrier.city:
        return 1.0
    if demand.province and carrier.province and demand.province == carrier.province:
        return 0.7
    return 0.4 if carrier.country == "CN" else 0.2


def free_capacity(carrier: CarrierDoc) -> float:
    if carrier.capacity <= 0:
        return 0.0
    return max(0.0, (carrier.capacity - carrier.active_load) / carrier.capacity)


def rank(
    demand: DemandDoc,
    carriers: list[CarrierDoc],
    *,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    top_k: int = 10,
) -> list[Scored]:
    """Carriers ordered by weighted score; a carrier with no textual and no field
    relevance at all is never suggested, however free or near it is."""
    carrier_terms = [c.terms() for c in carriers]
    corpus = Corpus.of(carrier_terms)
    dterms = demand.terms()
    scored: list[Scored] = []
    for c, cterms in zip(carriers, carrier_terms, strict=True):
        text, matched = text_relevance(dterms, cterms, corpus)
        fields = field_overlap(demand.fields, c.fields)
        if text == 0.0 and fields == 0.0:
            continue
        components = {
            "text": round(text, 4),
            "fields": round(fields, 4),
            "region": region_fit(demand, c),
            "capacity": round(free_capacity(c), 4),
        }
        total = sum(weights.get(k, 0.0) * v for k, v in components.items()) / (sum(weights.values()) or 1.0)
        scored.append(Scored(c.carrier_id, round(total, 4), components, matched, free_capacity(c) == 0.0))
    scored.sort(key=lambda s: (-s.score, s.carrier_id))
    return scored[:top_k]
