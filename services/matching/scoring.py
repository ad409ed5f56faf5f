"""Ranking carriers and experts for a demand: pure functions, every component in [0, 1].

This is the reference definition of every score component. ``index.ProfileIndex`` computes
exactly the same numbers, vectorised over an inverted index, for speed; a unit test holds
the two together.

Components:

- ``text``: cosine of TF-IDF vectors (sub-linear tf, smoothed idf over the profiles) of
  CJK character bigrams, stemmed English words (``shared.text``) and bilingual glossary
  concepts (``glossary``, each counted ``CONCEPT_REPEAT`` times), so Chinese, English and
  mixed texts compare, across languages too.
- ``fields``: the controlled vocabulary; per demand field the best of the profile's fields
  (same field 1, parent/child/sibling 0.5), averaged over the demand's fields weighted by
  trust (a fine code the user declared 1, a code matching chose ``INFERRED_FIELD_TRUST``) and
  scaled by the most trusted: a broad code alone, or codes inferred from the text, never
  count as much as a fine code the user ticked. The codes matching chose are then checked
  against the profiles nearest the demand's text (``inference.confirm``): a broad code becomes
  the fine codes of its field those profiles are registered under, and each chosen code is
  trusted in proportion to their share in its field, so a tick the text contradicts counts
  for nothing (a declared fine code stays; with no text evidence nothing changes).
- ``track_record``: completed contracts in the demand's fields (a related field counts
  half) and their value, saturating: ``1 - exp(-(n/3 + value/10M CNY))``.
- ``capacity``: the free share of the profile's capacity.
- ``region``: same city 1, same province 0.7, elsewhere in China 0.4, overseas 0.2.
- ``trl``: share of the demand's TRL span (current..target) inside the range the profile
  typically works at (by carrier kind or, for people, by role); only when the demand
  states a TRL.
- ``budget``: ``1 + log10(budget / typical contract value)`` clipped to [0, 1], the typical
  value being the median of the carrier's completed contracts (two or more) or else a
  default by kind; only when the demand states a budget, and for carriers only.

A component that is unknown is left out of the breakdown and out of the weighted mean
(the weights of the others are renormalised), so "unknown" never reads as "bad".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from statistics import median

from services.matching.glossary import concepts
from services.matching.inference import Inferred, confirm, infer, refine, refine_profile
from shared import vocabulary
from shared.text import normalize, term_counts
from shared.vocabulary import field_similarity

COMPONENTS = ("text", "fields", "track_record", "capacity", "region", "trl", "budget")

# Tuned on the tune half of the blind set (bench/matching/evaluate_blind.py; text and fields,
# the rest as tuned before on bench/matching's set); a weighted mean, so only their ratios
# matter. Override with ITP_MATCHING_WEIGHTS.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "text": 1.6,
    "fields": 0.6,
    "track_record": 0.12,
    "capacity": 0.06,
    "region": 0.06,
    "trl": 0.02,
    "budget": 0.02,
}

REGION_SAME_CITY, REGION_SAME_PROVINCE, REGION_DOMESTIC, REGION_OVERSEAS = 1.0, 0.7, 0.4, 0.2

# Where on the technology readiness scale each kind of carrier (and each role) usually works.
TRL_RANGE_BY_KIND: Mapping[str, tuple[int, int]] = {
    "university_domestic": (1, 4),
    "university_overseas": (1, 4),
    "research_institute": (3, 7),
    "overseas_platform": (2, 6),
    "incubator": (4, 8),
    "rd_enterprise": (5, 9),
}
TRL_RANGE_BY_ROLE: Mapping[str, tuple[int, int]] = {
    "strategic_scientist": (1, 5),
    "postdoc": (1, 4),
    "graduate_student": (1, 4),
    "researcher": (2, 6),
    "jitri_researcher": (3, 7),
    "project_manager": (4, 9),
}
DEFAULT_TRL_RANGE = (3, 7)

# A contract value a kind of carrier typically needs (CNY), when its own history is too short.
TYPICAL_VALUE_BY_KIND: Mapping[str, float] = {
    "university_domestic": 200_000.0,
    "university_overseas": 1_000_000.0,
    "research_institute": 500_000.0,
    "overseas_platform": 1_500_000.0,
    "incubator": 300_000.0,
    "rd_enterprise": 500_000.0,
}
DEFAULT_TYPICAL_VALUE = 500_000.0

TRACK_COUNT_SCALE = 3.0  # completed contracts
TRACK_VALUE_SCALE = 10_000_000.0  # CNY

MATCHED_TERMS = 8
FIELD_TERM_CONFIDENCE = 0.5
FIELD_TERM_REPEAT = 12  # tf 1 + ln 12: a field the text is about weighs like a term said often (tuned)
FIELD_TERM = "field:"  # index terms of inferred fields: they score, but are not shown as matched terms
# A glossary concept is one term for a phrase that is several words or bigrams, and the only
# term two languages share: it counts as said this often (tuned on the blind set's tune half
# and checked on bench/matching's set, where it helps as much).
CONCEPT_REPEAT = 5
# A code the user ticked as fine counts fully; one matching chose for them (a broad code, kept
# or refined to the fine codes its text is about, or a code inferred from the text) counts this
# much: it says less about which carrier is right (tuned as CONCEPT_REPEAT).
INFERRED_FIELD_TRUST = 0.5


@dataclass(frozen=True)
class TrackEntry:
    """One completed contract of a carrier: the fields it was in and its value (CNY)."""

    fields: tuple[str, ...]
    value: float


@dataclass(frozen=True)
class CarrierDoc:
    """A profile to rank: an R&D carrier, or (``subject="person"``) an expert.

    An expert's location and track record are those of their carrier, filled in by the
    service when it builds the doc.
    """

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
    kind: str = "research_institute"
    track: tuple[TrackEntry, ...] = ()
    subject: str = "carrier"
    affiliation: str | None = None  # an expert's carrier id
    roles: tuple[str, ...] = ()
    name_en: str | None = None  # the English name of a profile whose ``name`` is Chinese

    def terms(self) -> Counter[str]:
        return profile_terms(self)

    @cached_property
    def match_fields(self) -> list[str]:
        """The codes matching compares: the declared ones and those its own text is clearly about."""
        if self.subject == "person":
            return list(self.fields)
        return refine_profile(self.fields, infer(" ".join(filter(None, (self.name, self.name_en))), self.capabilities))


Profile = CarrierDoc


@dataclass(frozen=True)
class DemandDoc:
    demand_id: str
    title: str
    description: str
    fields: list[str]
    keywords: list[str]
    city: str | None
    province: str | None
    trl_current: int | None = None
    trl_target: int | None = None
    budget: Decimal | float | None = None
    enterprise_id: str | None = None

    def terms(self) -> Counter[str]:
        """The query terms (computed once: a demand is ranked against several indexes)."""
        return self._terms

    @cached_property
    def _terms(self) -> Counter[str]:
        return demand_terms(self)

    @cached_property
    def match_fields(self) -> list[str]:
        """The codes matching compares: the declared ones refined by what the text says
        (``inference.refine``: declared codes never outweigh clear text evidence against them)."""
        return refine(self.fields, infer(self.title, self.description))

    @cached_property
    def field_trust(self) -> list[float]:
        """Per code of ``match_fields``: 1 for a fine code the user declared, else
        ``INFERRED_FIELD_TRUST``."""
        declared = {f for f in self.fields if not vocabulary.is_broad(f)}
        return [1.0 if f in declared else INFERRED_FIELD_TRUST for f in self.match_fields]


@dataclass(frozen=True)
class Adjustment:
    """A multiplier applied to a suggestion's score after curation, with its reason."""

    reason: str
    factor: float
    note: str
    rejected_carrier_id: str | None = None


@dataclass(frozen=True)
class Scored:
    carrier_id: str
    score: float
    components: dict[str, float]
    matched_terms: list[str]
    at_capacity: bool
    adjustments: tuple[Adjustment, ...] = ()
    base_score: float | None = None


# -- terms ------------------------------------------------------------------------------------


def profile_terms(p: CarrierDoc) -> Counter[str]:
    """A profile's index terms. Keywords are deliberate: they count twice. An expert's name
    is left out (a personal name matches nothing a demand says)."""
    keywords = " ".join(p.keywords)
    if p.subject == "person":
        c = term_counts(keywords, keywords)
        c.update(concept_terms(keywords))
        return c
    names = " ".join(filter(None, (p.name, p.name_en)))
    c = term_counts(names, p.capabilities, keywords, keywords)
    c.update(concept_terms(" ".join((names, p.capabilities, keywords))))
    c.update(field_terms(infer(f"{names} {keywords}", p.capabilities)))
    return c


def demand_terms(d: DemandDoc) -> Counter[str]:
    """A demand's query terms: the title says what matters most, so it counts twice."""
    keywords = " ".join(d.keywords)
    c = term_counts(d.title, d.title, d.description, keywords)
    c.update(concept_terms(" ".join((d.title, d.description, keywords))))
    c.update(field_terms(infer(f"{d.title} {keywords}", d.description)))
    return c


def concept_terms(text: str) -> list[str]:
    """The glossary concepts a text names, each ``CONCEPT_REPEAT`` times."""
    return [c for c in concepts(text) for _ in range(CONCEPT_REPEAT)]


def field_terms(inferred: Iterable[Inferred]) -> list[str]:
    """The fields a text is about as index terms (``field:acoustics.noise``): the cue lists are
    bilingual and name symptoms, so they bridge languages and wordings the words do not."""
    return [
        f"{FIELD_TERM}{i.code}"
        for i in inferred
        if i.confidence >= FIELD_TERM_CONFIDENCE
        for _ in range(FIELD_TERM_REPEAT)
    ]


def tf_weight(n: float) -> float:
    return 1.0 + math.log(n) if n > 0 else 0.0


@dataclass
class Corpus:
    """Document frequencies over the profiles, for IDF weights."""

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
        return idf(self.n_docs, self.df.get(term, 0))


def idf(n_docs: int, df: int) -> float:
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def _weighted(terms: Counter[str], corpus: Corpus) -> dict[str, float]:
    return {t: tf_weight(n) * corpus.idf(t) for t, n in terms.items()}


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
    shown = [t for t in common if not t.startswith(FIELD_TERM)]
    top = sorted(shown, key=lambda t: (-contribution_key(dv[t] * cv[t]), t))[:MATCHED_TERMS]
    return min(1.0, dot / norm), top


def contribution_key(value: float) -> float:
    """A term's contribution to six significant digits: equal contributions (the same tf and
    df) then order by the term, whatever the float arithmetic that computed them."""
    return float(f"{value:.6g}")


# -- structured components ----------------------------------------------------------------------


def field_overlap(demand_fields: list[str], carrier_fields: list[str], trust: Sequence[float] | None = None) -> float:
    """Mean over the demand's fields of the best match among the carrier's fields, each
    weighted by how much it is trusted (``DemandDoc.field_trust``; 1 when not given), and
    scaled by the most trusted one: codes matching chose alone (a broad code refined, codes
    inferred from the text) say less than one the user ticked as fine."""
    if not demand_fields or not carrier_fields:
        return 0.0
    weights = trust if trust is not None else [1.0] * len(demand_fields)
    total = sum(
        w * max(field_similarity(d, c) for c in carrier_fields) for d, w in zip(demand_fields, weights, strict=True)
    )
    return total / sum(weights) * max(weights) if total else 0.0


_PLACE_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|盟)$")


def place_key(name: str | None) -> str | None:
    """A city or province name compared loosely: 苏州 = 苏州市, 江苏 = 江苏省, Munich = munich."""
    if not name:
        return None
    key = _PLACE_SUFFIX.sub("", normalize(name).strip())
    return key or None


def region_fit(demand: DemandDoc, carrier: CarrierDoc) -> float:
    overseas = carrier.country.upper() != "CN"
    dc, cc = place_key(demand.city), place_key(carrier.city)
    if dc and cc and dc == cc:
        return REGION_SAME_CITY
    dp, cp = place_key(demand.province), place_key(carrier.province)
    if not overseas and dp and cp and dp == cp:
        return REGION_SAME_PROVINCE
    return REGION_OVERSEAS if overseas else REGION_DOMESTIC


def free_capacity(carrier: CarrierDoc) -> float:
    if carrier.capacity <= 0:
        return 0.0
    return max(0.0, (carrier.capacity - carrier.active_load) / carrier.capacity)


def at_capacity(carrier: CarrierDoc) -> bool:
    return free_capacity(carrier) == 0.0


def track_record(demand_fields: list[str], track: Iterable[TrackEntry]) -> float:
    """Completed contracts in the demand's fields, and their value, saturating in [0, 1)."""
    if not demand_fields:
        return 0.0
    n_eff = value_eff = 0.0
    for f in demand_fields:
        for t in track:
            sim = max((field_similarity(f, g) for g in t.fields), default=0.0)
            n_eff += sim
            value_eff += sim * max(0.0, t.value)
    n_eff /= len(demand_fields)
    value_eff /= len(demand_fields)
    return 1.0 - math.exp(-(n_eff / TRACK_COUNT_SCALE + value_eff / TRACK_VALUE_SCALE))


def trl_span(trl_current: int | None, trl_target: int | None) -> tuple[int, int] | None:
    """The levels a demand needs worked on: current..target (a single level if only one is known)."""
    if trl_current is None and trl_target is None:
        return None
    lo = trl_current if trl_current is not None else trl_target
    hi = trl_target if trl_target is not None else trl_current
    assert lo is not None and hi is not None
    return (min(lo, hi), max(lo, hi))


def trl_range(carrier: CarrierDoc) -> tuple[int, int]:
    if carrier.subject == "person" and carrier.roles:
        ranges = [TRL_RANGE_BY_ROLE[r] for r in carrier.roles if r in TRL_RANGE_BY_ROLE]
        if ranges:
            return (min(r[0] for r in ranges), max(r[1] for r in ranges))
    return TRL_RANGE_BY_KIND.get(carrier.kind, DEFAULT_TRL_RANGE)


def trl_fit(span: tuple[int, int] | None, working_range: tuple[int, int]) -> float | None:
    """The share of the demand's TRL levels inside the profile's working range."""
    if span is None:
        return None
    lo, hi = span
    overlap = min(hi, working_range[1]) - max(lo, working_range[0]) + 1
    return max(0, overlap) / (hi - lo + 1)


def typical_value(carrier: CarrierDoc) -> float:
    values = [t.value for t in carrier.track if t.value > 0]
    if len(values) >= 2:
        return float(median(values))
    return TYPICAL_VALUE_BY_KIND.get(carrier.kind, DEFAULT_TYPICAL_VALUE)


def budget_fit(budget: Decimal | float | None, typical: float) -> float | None:
    """1 when the budget covers the typical contract; 0 an order of magnitude below it."""
    if budget is None or typical <= 0:
        return None
    b = float(budget)
    if b <= 0:
        return 0.0
    return min(1.0, max(0.0, 1.0 + math.log10(b / typical)))


def tie_order(
    score: float, components: Mapping[str, float], name: str, profile_id: str
) -> tuple[float, float, float, str, str]:
    """The order of suggestions: by score; equal scores by text, then fields, then name (the
    same on every instance, unlike generated ids), and the id last."""
    return (-score, -components.get("text", 0.0), -components.get("fields", 0.0), name, profile_id)


def confirmed_bound(demand: DemandDoc, carrier: CarrierDoc, text: float) -> dict[str, float]:
    """Components of a pair at least as high as the demand's ranking gives them whatever its
    nearest profiles confirm (``inference.confirm`` only lowers the trust of the codes matching
    chose, and refines a chosen broad code to fine codes of its field): fields at most the
    highest trust times the best similarity any confirmed code can have, and a track record at
    most that of every completed contract."""
    comps = components_for(demand, carrier, text)
    if any(t < 1.0 for t in demand.field_trust):
        groups = {vocabulary.top_of(f) for f in carrier.match_fields}
        best = [
            1.0
            if t < 1.0 and vocabulary.is_broad(code) and code in groups
            else max((field_similarity(code, f) for f in carrier.match_fields), default=0.0)
            for code, t in zip(demand.match_fields, demand.field_trust, strict=True)
        ]
        declared = sum(1 for t in demand.field_trust if t >= 1.0)
        if declared:  # they keep trust 1; the chosen codes (and what they become) weigh at most theirs
            bound = min(1.0, sum(t * s for t, s in zip(demand.field_trust, best, strict=True)) / declared)
        else:
            bound = max(demand.field_trust) * max(best, default=0.0)
        comps["fields"] = max(comps["fields"], round(bound, 4))
        n = len(carrier.track)
        value = sum(max(0.0, t.value) for t in carrier.track)
        comps["track_record"] = round(1.0 - math.exp(-(n / TRACK_COUNT_SCALE + value / TRACK_VALUE_SCALE)), 4)
    return comps


def weighted_score(components: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The weighted mean over the components present (unknown ones renormalise away)."""
    total_w = sum(weights.get(k, 0.0) for k in components)
    if total_w <= 0:
        return 0.0
    return sum(weights.get(k, 0.0) * v for k, v in components.items()) / total_w


def components_for(
    demand: DemandDoc,
    carrier: CarrierDoc,
    text: float,
    *,
    span: tuple[int, int] | None = None,
    fields: tuple[Sequence[str], Sequence[float]] | None = None,
) -> dict[str, float]:
    """Every known component of one (demand, profile) pair, rounded for display; ``fields``: the
    demand's codes and trusts as confirmed by its nearest profiles (``inference.confirm``), else
    its own."""
    codes, trust = fields if fields is not None else (demand.match_fields, demand.field_trust)
    comps = {
        "text": round(text, 4),
        "fields": round(field_overlap(list(codes), carrier.match_fields, trust), 4),
        "track_record": round(track_record(list(codes), carrier.track), 4),
        "capacity": round(free_capacity(carrier), 4),
        "region": region_fit(demand, carrier),
    }
    trl = trl_fit(span if span is not None else trl_span(demand.trl_current, demand.trl_target), trl_range(carrier))
    if trl is not None:
        comps["trl"] = round(trl, 4)
    if carrier.subject != "person":
        budget = budget_fit(demand.budget, typical_value(carrier))
        if budget is not None:
            comps["budget"] = round(budget, 4)
    return comps


def rank(
    demand: DemandDoc,
    carriers: list[CarrierDoc],
    *,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    top_k: int = 10,
    exclude: Iterable[str] = (),
) -> list[Scored]:
    """Profiles ordered by weighted score (a plain scan: the reference for the index).

    A profile with no textual and no field relevance at all is never suggested, however
    free or near it is; excluded ids (conflicts of interest, rejections) never are.
    """
    excluded = set(exclude)
    pool = [c for c in carriers if c.carrier_id not in excluded]
    carrier_terms = [c.terms() for c in carriers]  # idf over every profile, as the index does
    corpus = Corpus.of(carrier_terms)
    terms_of = {c.carrier_id: t for c, t in zip(carriers, carrier_terms, strict=True)}
    dterms = demand.terms()
    span = trl_span(demand.trl_current, demand.trl_target)
    texts = {c.carrier_id: text_relevance(dterms, terms_of[c.carrier_id], corpus) for c in carriers}
    fields = confirm(
        demand.match_fields,
        demand.field_trust,
        ((c.carrier_id, texts[c.carrier_id][0], c.match_fields) for c in carriers),
    )
    scored: list[Scored] = []
    for c in pool:
        text, matched = texts[c.carrier_id]
        comps = components_for(demand, c, text, span=span, fields=fields)
        if comps["text"] == 0.0 and comps["fields"] == 0.0:
            continue
        total = round(weighted_score(comps, weights), 4)
        scored.append(Scored(c.carrier_id, total, comps, matched, at_capacity(c), base_score=total))
    names = {c.carrier_id: c.name for c in pool}
    scored.sort(key=lambda s: tie_order(s.score, s.components, names[s.carrier_id], s.carrier_id))
    return scored[:top_k]
