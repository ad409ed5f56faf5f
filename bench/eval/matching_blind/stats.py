"""Composition and validity of the blind matching evaluation set (see README.md here).

    python -m bench.eval.matching_blind.stats                # counts; exit 1 if a record is invalid
    python -m bench.eval.matching_blind.stats --write-split  # rewrite split.json (deterministic)

Every carrier record is a ``POST /api/v1/carriers`` body and every demand record a ``POST /api/v1/demands``
body (without ``enterprise_id``) plus the evaluation keys below; ``carrier_body`` and ``demand_body`` strip
those keys for a harness.
"""

from __future__ import annotations

import hashlib
import json
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.demand.schemas import DemandCreate
from services.talent.schemas import CarrierCreate
from shared import vocabulary

HERE = Path(__file__).resolve().parent
CARRIER_EVAL_KEYS = frozenset({"eval_id", "language"})
DEMAND_EVAL_KEYS = frozenset(
    {"eval_id", "language", "hard", "hard_kind", "relevant", "precise_fields", "broad_fields", "missing_field"}
)
LANGUAGES = ("zh", "en", "mixed")
CARRIER_LANGUAGES = ("zh", "en", "both")
HARD_KINDS = ("none", "cross_language", "symptom_wording", "near_neighbour")
MISSING_FIELDS = (
    "marine",
    "acoustics",
    "thermal_management",
    "testing_certification",
    "civil_infrastructure",
    "textiles",
)

Record = dict[str, Any]


def load(name: str) -> list[Record]:
    with (HERE / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def carrier_body(record: Record) -> Record:
    """The ``POST /api/v1/carriers`` body of a carrier record."""
    return {k: v for k, v in record.items() if k not in CARRIER_EVAL_KEYS}


def demand_body(record: Record, enterprise_id: str, fields: list[str] | None = None) -> Record:
    """The ``POST /api/v1/demands`` body of a demand record; ``fields`` replaces the declared codes
    (``record["broad_fields"]`` for the broad variant)."""
    body = {k: v for k, v in record.items() if k not in DEMAND_EVAL_KEYS}
    body["enterprise_id"] = enterprise_id
    if fields is not None:
        body["fields"] = fields
    return body


def compute_split(demands: list[Record]) -> dict[str, list[str]]:
    """Tune/report halves: within each (language, hard_kind) stratum, demands ordered by the sha256 of their
    eval_id go alternately to each half; the half that takes a stratum's first demand alternates too."""
    strata: dict[tuple[str, str], list[str]] = {}
    for d in demands:
        strata.setdefault((d["language"], d["hard_kind"]), []).append(d["eval_id"])
    halves: dict[str, list[str]] = {"tune": [], "report": []}
    for i, key in enumerate(sorted(strata)):
        ids = sorted(strata[key], key=lambda e: hashlib.sha256(e.encode()).hexdigest())
        first, second = ("tune", "report") if i % 2 == 0 else ("report", "tune")
        for j, eid in enumerate(ids):
            halves[first if j % 2 == 0 else second].append(eid)
    return {half: sorted(ids) for half, ids in halves.items()}


def _schema_problems(label: str, model: type[CarrierCreate] | type[DemandCreate], body: Record) -> list[str]:
    try:
        model.model_validate(body)
    except ValidationError as e:
        return [f"{label}: {err['loc']} {err['msg']}" for err in e.errors()]
    return []


def problems(carriers: list[Record], demands: list[Record], split: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    carrier_ids = [c.get("eval_id") for c in carriers]
    demand_ids = [d.get("eval_id") for d in demands]
    for kind, ids in (("carrier", carrier_ids), ("demand", demand_ids)):
        dupes = [i for i, n in Counter(ids).items() if n > 1]
        if dupes:
            out.append(f"duplicate {kind} eval_ids: {dupes}")
    known = set(carrier_ids)
    for c in carriers:
        cid = c.get("eval_id")
        out += _schema_problems(f"carrier {cid}", CarrierCreate, carrier_body(c))
        if c.get("language") not in CARRIER_LANGUAGES:
            out.append(f"carrier {cid}: language must be one of {CARRIER_LANGUAGES}")
    enterprise = str(uuid.uuid5(uuid.NAMESPACE_URL, "itp-eval-enterprise"))
    for d in demands:
        did = d.get("eval_id")
        out += _schema_problems(f"demand {did}", DemandCreate, demand_body(d, enterprise))
        if d.get("language") not in LANGUAGES:
            out.append(f"demand {did}: language must be one of {LANGUAGES}")
        if d.get("hard_kind") not in HARD_KINDS:
            out.append(f"demand {did}: hard_kind must be one of {HARD_KINDS}")
        if d.get("hard") is not (d.get("hard_kind") != "none"):
            out.append(f"demand {did}: hard must be true exactly when hard_kind is not none")
        relevant = d.get("relevant") or []
        if not relevant or relevant[0].get("grade") != 2:
            out.append(f"demand {did}: needs relevant carriers, best (grade 2) first")
        grades = [r.get("grade") for r in relevant]
        if grades != sorted(grades, reverse=True) or not set(grades) <= {1, 2}:
            out.append(f"demand {did}: grades must be 2 or 1, best first")
        for r in relevant:
            if r.get("carrier") not in known:
                out.append(f"demand {did}: unknown carrier {r.get('carrier')}")
        precise, broad = d.get("precise_fields") or [], d.get("broad_fields") or []
        for code in precise + broad:
            if not vocabulary.is_known(code):
                out.append(f"demand {did}: unknown field {code}")
        if any("." in code for code in broad) or not broad:
            out.append(f"demand {did}: broad_fields must be top-level codes")
        if d.get("fields") != precise:
            out.append(f"demand {did}: the body's fields must be its precise_fields")
        if "missing_field" in d and d["missing_field"] not in MISSING_FIELDS:
            out.append(f"demand {did}: missing_field must be one of {MISSING_FIELDS}")
    if split != compute_split(demands):
        out.append("split.json is not the split compute_split gives; run with --write-split")
    return out


def _table(title: str, rows: Counter[Any], total: int) -> None:
    print(title)
    for key, n in sorted(rows.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        print(f"  {key!s:<32} {n:>4}  {100 * n / total:5.1f}%")


def main(argv: list[str]) -> int:
    carriers, demands = load("carriers.jsonl"), load("demands.jsonl")
    split_path = HERE / "split.json"
    if "--write-split" in argv:
        split_path.write_text(json.dumps(compute_split(demands), indent=1) + "\n", encoding="utf-8")
    split = json.loads(split_path.read_text(encoding="utf-8"))
    half_of = {eid: half for half, ids in split.items() for eid in ids}

    n = len(demands)
    print(f"carriers: {len(carriers)}    demands: {n}")
    _table("carriers by kind", Counter(c["kind"] for c in carriers), len(carriers))
    _table("carriers by language of their profile", Counter(c["language"] for c in carriers), len(carriers))
    _table("demands by language", Counter(d["language"] for d in demands), n)
    _table("demands by hard kind", Counter(d["hard_kind"] for d in demands), n)
    print(f"  hard (any kind): {sum(d['hard'] for d in demands)}")
    en_or_mixed = sum(d["language"] != "zh" for d in demands)
    print(f"  English or mixed: {en_or_mixed} ({100 * en_or_mixed / n:.1f}%)")
    _table("demands by missing vocabulary field", Counter(d.get("missing_field", "-") for d in demands), n)
    _table(
        "relevant carriers per demand (grade 2, grade 1)",
        Counter(
            (sum(r["grade"] == 2 for r in d["relevant"]), sum(r["grade"] == 1 for r in d["relevant"])) for d in demands
        ),
        n,
    )
    for half in ("tune", "report"):
        members = [d for d in demands if half_of.get(d["eval_id"]) == half]
        langs = Counter(d["language"] for d in members)
        kinds = Counter(d["hard_kind"] for d in members)
        print(
            f"split {half}: {len(members)}  "
            + " ".join(f"{k}={langs[k]}" for k in LANGUAGES)
            + "  "
            + " ".join(f"{k}={kinds[k]}" for k in HARD_KINDS)
        )

    found = problems(carriers, demands, split)
    for p in found:
        print("INVALID", p)
    print("all records valid against the API schemas" if not found else f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
