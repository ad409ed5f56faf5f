"""Matching quality on the blind bilingual evaluation set (issue 19), four variants.

    .venv/bin/python -m bench.matching.evaluate_blind [--tune-only] [--per-demand] [--bilingual-names]

The set (``bench/eval/matching_blind``: 60 carriers, 180 demands, written without reading the
ranking code) is loaded into the ranking code in-process, as the service loads its read model:
each carrier becomes the ``CarrierDoc`` the talent events give matching (display name = the
Chinese name, else the English one; capabilities; keywords; capacity; kind; no track record),
each demand the ``DemandDoc`` the demand events give it (no keywords: the set sends none). The
ranking is ``ProfileIndex.search`` with the shipped ``DEFAULT_WEIGHTS``, the live code path.

Variants (issue 19):

- ``precise``: the demand's fields are the fine codes a careful user ticks;
- ``broad``: only the one top-level code an unsure user ticks;
- ``inferred``: the codes the platform infers from the text (``services.matching.inference``);
- ``text``: no field codes at all (field and track-record weights 0).

Metrics over grade-2 carriers: P@1 (the first suggestion is one), MRR (of the first one; 0 when
not ranked), hard P@1 (P@1 over the hard demands). Reported on the ``report`` half and, apart,
on ``tune``. Only the tune half may be looked at per demand (``--per-demand tune``): tuning on
the report half is not allowed (see the set's README).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from bench.eval.matching_blind.stats import HERE as SET_DIR
from bench.eval.matching_blind.stats import load
from services.matching.index import ProfileIndex
from services.matching.scoring import DEFAULT_WEIGHTS, CarrierDoc, DemandDoc

Record = dict[str, Any]
VARIANTS = ("precise", "broad", "inferred", "text")
TARGETS = {"P@1": 0.80, "MRR": 0.85, "hard P@1": 0.65}


def carrier_doc(r: Record, *, bilingual_names: bool = False) -> CarrierDoc:
    # Live, the talent events carry one display name (the Chinese one, else the English one);
    # ``bilingual_names`` measures what indexing ``name_en`` too would add once they carry both.
    extra: dict[str, Any] = {}
    if bilingual_names and "name_en" in {f.name for f in dataclasses.fields(CarrierDoc)}:
        extra["name_en"] = r.get("name_en") if r.get("name_zh") else None
    return CarrierDoc(
        **extra,
        carrier_id=r["eval_id"],
        name=r.get("name_zh") or r.get("name_en") or "",
        fields=list(r["fields"]),
        capabilities=r["capabilities"],
        keywords=list(r.get("keywords", [])),
        city=r.get("city"),
        province=r.get("province"),
        country=r.get("country", "CN"),
        capacity=int(r["capacity"]),
        kind=r["kind"],
    )


def _inferred(text: str) -> list[str]:
    try:
        from services.matching.inference import infer_codes
    except ImportError:  # the code before field inference existed
        return []
    return infer_codes(text)


def demand_doc(r: Record, variant: str) -> DemandDoc:
    fields: list[str]
    if variant == "precise":
        fields = list(r["precise_fields"])
    elif variant == "broad":
        fields = list(r["broad_fields"])
    elif variant == "inferred":
        fields = _inferred(f"{r['title']}\n{r['description']}")
    else:
        fields = []
    return DemandDoc(
        demand_id=r["eval_id"],
        title=r["title"],
        description=r["description"],
        fields=fields,
        keywords=[],
        city=r.get("city"),
        province=r.get("province"),
        trl_current=r.get("trl_current"),
        trl_target=r.get("trl_target"),
        budget=Decimal(r["budget"]) if r.get("budget") is not None else None,
    )


WEIGHTS: dict[str, float] = dict(DEFAULT_WEIGHTS)  # --weights '{"text": 0.5}' to try others (on tune)


def weights_for(variant: str) -> Mapping[str, float]:
    if variant == "text":
        return {**WEIGHTS, "fields": 0.0, "track_record": 0.0}
    return WEIGHTS


def metrics(rows: Sequence[tuple[Record, list[str]]]) -> dict[str, float]:
    p1 = rr = hard = n_hard = 0.0
    for d, ranked in rows:
        best = {x["carrier"] for x in d["relevant"] if x["grade"] == 2}
        hit = bool(ranked) and ranked[0] in best
        p1 += hit
        rr += next((1.0 / (i + 1) for i, c in enumerate(ranked) if c in best), 0.0)
        if d["hard"]:
            n_hard += 1
            hard += hit
    n = len(rows) or 1
    return {"P@1": p1 / n, "MRR": rr / n, "hard P@1": hard / (n_hard or 1)}


def build_index(carriers: Sequence[Record], *, bilingual_names: bool = False) -> ProfileIndex:
    index = ProfileIndex()
    for c in carriers:
        index.upsert(carrier_doc(c, bilingual_names=bilingual_names))
    index.refresh_norms()
    return index


def rank_all(index: ProfileIndex, demands: Sequence[Record], variant: str) -> list[tuple[Record, list[str]]]:
    w = weights_for(variant)
    return [(d, [s.carrier_id for s in index.search(demand_doc(d, variant), weights=w, top_k=60)]) for d in demands]


def main(argv: Sequence[str] = ()) -> int:
    started = time.perf_counter()
    if "--weights" in argv:
        WEIGHTS.update(json.loads(argv[list(argv).index("--weights") + 1]))
    carriers, demands = load("carriers.jsonl"), load("demands.jsonl")
    split = json.loads((SET_DIR / "split.json").read_text())
    halves = {h: [d for d in demands if d["eval_id"] in set(split[h])] for h in ("report", "tune")}
    index = build_index(carriers, bilingual_names="--bilingual-names" in argv)
    print(
        f"blind set: {len(carriers)} carriers, {len(demands)} demands (report {len(halves['report'])}, "
        f"tune {len(halves['tune'])})"
    )
    header = (
        f"{'variant':<10} {'half':<7} {'P@1':>6} {'MRR':>6} {'hard P@1':>9}  {'zh P@1':>6} {'en P@1':>6} {'mixed':>6}"
    )
    print(header)
    print("-" * len(header))
    worst: dict[str, float] = {}
    per_demand = "--per-demand" in argv
    shown = ("tune",) if "--tune-only" in argv else ("report", "tune")
    for half in shown:
        for variant in VARIANTS:
            rows = rank_all(index, halves[half], variant)
            m = metrics(rows)
            by_lang = {
                lang: metrics([r for r in rows if r[0]["language"] == lang])["P@1"] for lang in ("zh", "en", "mixed")
            }
            print(
                f"{variant:<10} {half:<7} {m['P@1']:>6.3f} {m['MRR']:>6.3f} {m['hard P@1']:>9.3f}  "
                f"{by_lang['zh']:>6.3f} {by_lang['en']:>6.3f} {by_lang['mixed']:>6.3f}"
            )
            if half == "report":
                for k, v in m.items():
                    worst[k] = min(worst.get(k, 1.0), v)
            if per_demand and half == "tune":
                _print_misses(index, rows, variant)
        print()
    if not worst:
        return 0
    met = all(worst[k] >= t for k, t in TARGETS.items())
    print(
        "targets on every variant (report half):",
        "met" if met else "not met",
        {k: round(v, 3) for k, v in worst.items()},
    )
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


def _print_misses(index: ProfileIndex, rows: Sequence[tuple[Record, list[str]]], variant: str) -> None:
    show: Callable[[str], str] = lambda s: s[:40]  # noqa: E731
    for d, ranked in rows:
        best = {x["carrier"] for x in d["relevant"] if x["grade"] == 2}
        if ranked and ranked[0] in best:
            continue
        pos = next((i + 1 for i, c in enumerate(ranked) if c in best), None)
        print(
            f"   miss {variant} {d['eval_id']} {d['hard_kind']:<15} want {sorted(best)} at {pos}, top {ranked[:3]}: "
            f"{show(d['title'])}"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
