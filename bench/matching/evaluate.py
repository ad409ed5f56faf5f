"""Matching quality on the hand-labelled evaluation set, against plain text baselines.

    .venv/bin/python -m bench.matching.evaluate

The set (``evalset_carriers.py``, ``evalset_demands.py``: 65 carriers, 210 demands in
Chinese, English and both, each labelled with the carriers a domain expert would pick) was
written and its SHA-256 recorded (``LABELS.sha256``) before anything was tuned on it. The
demands are split in two by a hash of their id: the weights are tuned on the *tune* half
only (a grid search maximising mean reciprocal rank), and reported on the *test* half.

Measured in the same run, on the same split:

- ``BM25``: Okapi BM25 (k1 1.2, b 0.75) over the same tokens (CJK bigrams, English words);
- ``TF-IDF``: cosine of TF-IDF vectors over the same tokens;
- ``ours, initial weights``: every component, with the weights set before tuning;
- ``ours, tuned weights``: every component, with the weights tuned on the tune half
  (the defaults the service ships).

Metrics: precision@1 (the first suggestion is one the expert picked), precision@5 (share
of the first five that are), mean reciprocal rank of the first expert pick (0 when it is
not ranked at all), recall@5.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np

from bench.matching.evalset_carriers import CARRIERS
from bench.matching.evalset_demands import DEMANDS
from services.matching.index import ProfileIndex
from services.matching.scoring import COMPONENTS, DEFAULT_WEIGHTS, CarrierDoc, DemandDoc, TrackEntry
from shared.text import tokenize

HERE = Path(__file__).parent
# The weights the service had before anything was tuned on this set.
INITIAL_WEIGHTS: Mapping[str, float] = {
    "text": 0.45,
    "fields": 0.25,
    "track_record": 0.08,
    "capacity": 0.07,
    "region": 0.07,
    "trl": 0.04,
    "budget": 0.04,
}
# The search space. A product decision bounds it: free capacity, place, TRL and budget always
# count for something (operators asked that a full or far carrier never look as good as a free,
# near one of equal fit), so their weights start above zero; the tuning chooses within.
GRID: Mapping[str, Sequence[float]] = {
    "text": (0.3, 0.4, 0.5, 0.6, 0.7),
    "fields": (0.05, 0.1, 0.2, 0.3, 0.4),
    "track_record": (0.04, 0.08, 0.12),
    "capacity": (0.03, 0.06, 0.1),
    "region": (0.03, 0.06, 0.1),
    "trl": (0.02, 0.04, 0.08),
    "budget": (0.02, 0.04),
}


@dataclass(frozen=True)
class Case:
    demand: DemandDoc
    labels: tuple[str, ...]


def carriers() -> list[CarrierDoc]:
    out = []
    for cid, kind, name, city, prov, country, fields, caps, kws, cap, load, track in CARRIERS:
        out.append(
            CarrierDoc(
                carrier_id=cid,
                name=name,
                fields=list(fields),
                capabilities=caps,
                keywords=list(kws),
                city=city,
                province=prov,
                country=country,
                capacity=cap,
                active_load=load,
                kind=kind,
                track=tuple(TrackEntry(tuple(f), v * 10_000.0) for f, v in track),
            )
        )
    return out


def cases() -> list[Case]:
    out = []
    for did, title, desc, fields, kws, city, prov, trl, budget, labels in DEMANDS:
        out.append(
            Case(
                DemandDoc(
                    demand_id=did,
                    title=title,
                    description=desc,
                    fields=list(fields),
                    keywords=list(kws),
                    city=city,
                    province=prov,
                    trl_current=trl[0] if trl else None,
                    trl_target=trl[1] if trl else None,
                    budget=Decimal(budget) * 10_000 if budget is not None else None,
                ),
                tuple(labels),
            )
        )
    return out


def split(case: Case) -> str:
    return "tune" if hashlib.sha1(case.demand.demand_id.encode()).digest()[0] % 2 == 0 else "test"


def check_labels() -> list[str]:
    """The parts of the set whose hash no longer matches the one recorded before tuning."""
    data = {"CARRIERS": CARRIERS, "DEMANDS": DEMANDS}
    changed = []
    for line in (HERE / "LABELS.sha256").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        digest, name = line.split()
        canonical = json.dumps(data[name], ensure_ascii=False, sort_keys=True).encode()
        if hashlib.sha256(canonical).hexdigest() != digest:
            changed.append(name)
    return changed


# -- metrics -----------------------------------------------------------------------------------


def metrics(rankings: Sequence[Sequence[str]], labels: Sequence[Sequence[str]]) -> dict[str, float]:
    p1 = p5 = rr = r5 = 0.0
    for ranked, good in zip(rankings, labels, strict=True):
        g = set(good)
        p1 += 1.0 if ranked[:1] and ranked[0] in g else 0.0
        p5 += sum(1 for c in ranked[:5] if c in g) / 5
        r5 += sum(1 for c in ranked[:5] if c in g) / len(g)
        rr += next((1.0 / (i + 1) for i, c in enumerate(ranked) if c in g), 0.0)
    n = len(rankings) or 1
    return {"P@1": p1 / n, "P@5": p5 / n, "MRR": rr / n, "R@5": r5 / n}


# -- baselines ---------------------------------------------------------------------------------


def _carrier_tokens(c: CarrierDoc) -> list[str]:
    return tokenize(" ".join([c.name, c.capabilities, *c.keywords]))


def _demand_tokens(d: DemandDoc) -> list[str]:
    return tokenize(" ".join([d.title, d.description, *d.keywords]))


def bm25_ranker(docs: list[CarrierDoc], k1: float = 1.2, b: float = 0.75) -> Callable[[DemandDoc], list[str]]:
    toks = [Counter(_carrier_tokens(c)) for c in docs]
    lengths = [sum(t.values()) for t in toks]
    avgdl = sum(lengths) / len(lengths)
    df: Counter[str] = Counter()
    for t in toks:
        df.update(t.keys())
    n = len(docs)

    def rank(d: DemandDoc) -> list[str]:
        q = set(_demand_tokens(d))
        scores = []
        for c, t, dl in zip(docs, toks, lengths, strict=True):
            s = 0.0
            for term in q:
                f = t.get(term, 0)
                if f:
                    idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                    s += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * dl / avgdl))
            scores.append((s, c.carrier_id))
        return [cid for s, cid in sorted(scores, key=lambda x: (-x[0], x[1])) if s > 0]

    return rank


def tfidf_ranker(docs: list[CarrierDoc]) -> Callable[[DemandDoc], list[str]]:
    toks = [Counter(_carrier_tokens(c)) for c in docs]
    df: Counter[str] = Counter()
    for t in toks:
        df.update(t.keys())
    n = len(docs)

    def vec(t: Counter[str]) -> dict[str, float]:
        v = {k: (1 + math.log(c)) * (math.log((1 + n) / (1 + df.get(k, 0))) + 1) for k, c in t.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {k: x / norm for k, x in v.items()}

    vecs = [vec(t) for t in toks]

    def rank(d: DemandDoc) -> list[str]:
        q = vec(Counter(_demand_tokens(d)))
        scores = [(sum(w * v.get(k, 0.0) for k, w in q.items()), c.carrier_id) for c, v in zip(docs, vecs, strict=True)]
        return [cid for s, cid in sorted(scores, key=lambda x: (-x[0], x[1])) if s > 0]

    return rank


# -- ours --------------------------------------------------------------------------------------


def component_table(index: ProfileIndex, docs: list[CarrierDoc], all_cases: list[Case]) -> dict[str, np.ndarray]:
    """Every component of every (demand, carrier) pair, exactly as the service computes them,
    once: tuning then only re-weights them. NaN where a pair is not eligible at all."""
    ids = [c.carrier_id for c in docs]
    table = {k: np.full((len(all_cases), len(ids)), np.nan) for k in COMPONENTS}
    for i, case in enumerate(all_cases):
        for s in index.score_ids(case.demand, ids, weights=DEFAULT_WEIGHTS):
            j = ids.index(s.carrier_id)
            for k in COMPONENTS:
                table[k][i, j] = s.components.get(k, np.nan)
    return table


def ranked_by(
    table: Mapping[str, np.ndarray], ids: list[str], rows: Sequence[int], weights: Mapping[str, float]
) -> list[list[str]]:
    num = np.zeros((len(rows), len(ids)))
    den = np.zeros((len(rows), len(ids)))
    for k in COMPONENTS:
        v = table[k][list(rows)]
        w = weights.get(k, 0.0)
        known = ~np.isnan(v)
        num += np.where(known, w * np.nan_to_num(v), 0.0)
        den += np.where(known, w, 0.0)
    eligible = ~np.isnan(table["text"][list(rows)])
    score = np.where(eligible & (den > 0), np.round(num / np.where(den > 0, den, 1), 4), -1.0)
    out = []
    for r in range(len(rows)):
        order = sorted(range(len(ids)), key=lambda j: (-score[r, j], ids[j]))
        out.append([ids[j] for j in order if score[r, j] >= 0])
    return out


def tune(
    table: Mapping[str, np.ndarray], ids: list[str], rows: Sequence[int], labels: Sequence[Sequence[str]]
) -> dict[str, float]:
    best: tuple[float, float, dict[str, float]] | None = None
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        w = dict(zip(keys, values, strict=True))
        m = metrics(ranked_by(table, ids, rows, w), labels)
        key = (m["MRR"], m["P@1"])
        if best is None or key > best[:2]:
            best = (key[0], key[1], w)
    assert best is not None
    return best[2]


def main() -> int:
    started = time.perf_counter()
    changed = check_labels()
    docs = carriers()
    all_cases = cases()
    parts = {name: [i for i, c in enumerate(all_cases) if split(c) == name] for name in ("tune", "test")}
    index = ProfileIndex()
    for d in docs:
        index.upsert(d)
    index.refresh_norms()
    ids = [c.carrier_id for c in docs]
    table = component_table(index, docs, all_cases)
    labels = {name: [all_cases[i].labels for i in rows] for name, rows in parts.items()}
    tuned = tune(table, ids, parts["tune"], labels["tune"])

    bm25, tfidf = bm25_ranker(docs), tfidf_ranker(docs)
    methods: dict[str, Callable[[str], list[list[str]]]] = {
        "BM25 (baseline)": lambda part: [bm25(all_cases[i].demand) for i in parts[part]],
        "TF-IDF cosine (baseline)": lambda part: [tfidf(all_cases[i].demand) for i in parts[part]],
        "ours: text only (+ glossary)": lambda part: ranked_by(table, ids, parts[part], {"text": 1.0}),
        "ours: all components, initial weights": lambda part: ranked_by(table, ids, parts[part], INITIAL_WEIGHTS),
        "ours: all components, tuned weights": lambda part: ranked_by(table, ids, parts[part], tuned),
        "ours: as shipped (DEFAULT_WEIGHTS)": lambda part: ranked_by(table, ids, parts[part], DEFAULT_WEIGHTS),
    }
    print(
        f"evaluation set: {len(docs)} carriers, {len(all_cases)} demands "
        f"(tune {len(parts['tune'])}, test {len(parts['test'])}); "
        f"{sum(1 for c in all_cases if c.demand.title.isascii())} in English, "
        f"{sum(len(c.labels) for c in all_cases) / len(all_cases):.2f} expert picks per demand"
    )
    print("labels unchanged since recorded before tuning" if not changed else f"LABELS CHANGED: {changed}")
    print()
    header = f"{'method':<40} {'split':<5} {'P@1':>6} {'P@5':>6} {'MRR':>6} {'R@5':>6}"
    print(header)
    print("-" * len(header))
    for part in ("test", "tune"):
        for name, run in methods.items():
            m = metrics(run(part), labels[part])
            print(f"{name:<40} {part:<5} {m['P@1']:>6.3f} {m['P@5']:>6.3f} {m['MRR']:>6.3f} {m['R@5']:>6.3f}")
        print()
    print("tuned weights (on the tune half):", {k: v for k, v in tuned.items()})
    print("shipped DEFAULT_WEIGHTS:         ", dict(DEFAULT_WEIGHTS))
    print(f"({time.perf_counter() - started:.1f} s)")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
