"""Check the alert rules and the Grafana dashboard against the metrics the services export.

What promtool's ``check rules`` would catch for us, without its Go build: the rule file's shape
(groups, unique alert names, ``expr``, ``for``, a severity, a summary and a runbook), and every
PromQL expression's syntax as far as it matters here (balanced brackets, known functions and
aggregations, durations), its metric names (each must be in ``shared.metrics.REGISTRY``) and the
label names its selectors and ``by (...)`` clauses use (the metric's own labels, or the ones the
scrape adds). The dashboard's every target expression gets the same checks.

Run with the project's interpreter: ``.venv/bin/python deploy/observability/check.py``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

FUNCTIONS = {
    "abs", "absent", "absent_over_time", "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min",
    "count_over_time", "delta", "deriv", "exp", "floor", "histogram_quantile", "idelta", "increase", "irate",
    "label_join", "label_replace", "last_over_time", "ln", "log2", "log10", "max_over_time", "min_over_time",
    "predict_linear", "quantile_over_time", "rate", "resets", "round", "scalar", "sort", "sort_desc", "sqrt",
    "stddev_over_time", "sum_over_time", "time", "timestamp", "vector",
}  # fmt: skip
AGGREGATIONS = {
    "avg", "bottomk", "count", "count_values", "group", "max", "min", "quantile", "stddev", "stdvar", "sum", "topk",
}  # fmt: skip
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right"}
LABEL_LISTS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
# Labels the scrape adds to every series (Kubernetes service discovery, the job), and le of buckets.
TARGET_LABELS = {"job", "instance", "namespace", "pod", "container", "service", "endpoint", "le", "quantile"}
DURATION = re.compile(r"^\s*(\d+(ms|s|m|h|d|w|y))+(\s*:\s*(\d+(ms|s|m|h|d|w|y))*)?\s*$|^\s*\$\w+\s*$")
TOKEN = re.compile(
    r"""(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
      |(?P<var>\$\{?\w+\}?)
      |(?P<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?)
      |(?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
      |(?P<open>[({\[])|(?P<close>[)}\]])
      |(?P<op>=~|!~|!=|==|>=|<=|[-+*/%^<>=,])
      |(?P<space>\s+)""",
    re.X,
)


@dataclass
class Catalogue:
    """The exported metrics: every sample name and the labels of each."""

    labels: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Catalogue:
        sys.path.insert(0, str(ROOT))
        from shared.metrics import SAMPLES

        return cls({name: set(labels) for name, labels in SAMPLES.items()})


def check_expr(expr: str, catalogue: Catalogue) -> list[str]:
    """Problems of one PromQL expression (an empty list when it passes)."""
    problems: list[str] = []
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if m is None:
            return [f"cannot read {expr[pos : pos + 20]!r}"]
        pos = m.end()
        if m.lastgroup != "space":
            assert m.lastgroup is not None
            tokens.append((m.lastgroup, m.group()))
    stack: list[str] = []
    pairs = {")": "(", "}": "{", "]": "["}
    for kind, text in tokens:
        if kind == "open":
            stack.append(text)
        elif kind == "close":
            if not stack or stack.pop() != pairs[text]:
                return [f"unbalanced {text!r}"]
    if stack:
        return [f"unclosed {stack[-1]!r}"]
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if kind == "open" and text == "[":
            end = next(j for j in range(i, len(tokens)) if tokens[j] == ("close", "]"))
            inner = "".join(t for _, t in tokens[i + 1 : end])
            if not DURATION.match(inner):
                problems.append(f"not a duration: [{inner}]")
            i = end + 1
            continue
        if kind != "ident":
            i += 1
            continue
        if text in LABEL_LISTS and nxt == ("open", "("):
            end = next(j for j in range(i, len(tokens)) if tokens[j] == ("close", ")"))
            grouping = [t for k, t in tokens[i + 2 : end] if k == "ident"]
            metrics_in_scope = _metrics_of(tokens, catalogue)
            for label in grouping:
                if label not in TARGET_LABELS and not any(label in catalogue.labels[mn] for mn in metrics_in_scope):
                    problems.append(f"{text} ({label}): no metric of the expression has that label")
            i = end + 1
            continue
        if text in KEYWORDS:
            i += 1
            continue
        if nxt == ("open", "("):
            if text not in FUNCTIONS and text not in AGGREGATIONS:
                problems.append(f"unknown function {text}()")
            i += 1
            continue
        if text in AGGREGATIONS and nxt[1] in ("by", "without"):
            i += 1
            continue
        if text not in catalogue.labels:
            problems.append(f"unknown metric {text}")
            i += 1
            continue
        if nxt == ("open", "{"):
            end = next(j for j in range(i, len(tokens)) if tokens[j] == ("close", "}"))
            matchers = tokens[i + 2 : end]
            for j in range(0, len(matchers), 4):
                label = matchers[j][1]
                op = matchers[j + 1][1] if j + 1 < len(matchers) else ""
                value_kind = matchers[j + 2][0] if j + 2 < len(matchers) else ""
                if op not in ("=", "!=", "=~", "!~") or value_kind not in ("string", "var"):
                    problems.append(f"{text}{{...}}: malformed matcher near {label!r}")
                    break
                if label not in catalogue.labels[text] and label not in TARGET_LABELS:
                    problems.append(f"{text} has no label {label}")
            i = end + 1
            continue
        i += 1
    return problems


def _metrics_of(tokens: list[tuple[str, str]], catalogue: Catalogue) -> list[str]:
    return [t for k, t in tokens if k == "ident" and t in catalogue.labels]


def check_rules(path: Path, catalogue: Catalogue) -> list[str]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), list) or not doc["groups"]:
        return [f"{path.name}: no groups"]
    seen: set[str] = set()
    duration = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
    for group in doc["groups"]:
        if not group.get("name") or not group.get("rules"):
            problems.append(f"{path.name}: a group needs a name and rules")
            continue
        for rule in group["rules"]:
            name = rule.get("alert") or rule.get("record")
            where = f"{path.name}: {name}"
            unknown = set(rule) - {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}
            if unknown:
                problems.append(f"{where}: unknown fields {sorted(unknown)}")
            if not name or name in seen:
                problems.append(f"{where}: missing or duplicate name")
            seen.add(str(name))
            if "for" in rule and not duration.match(str(rule["for"])):
                problems.append(f"{where}: 'for' is not a duration")
            if rule.get("alert"):
                if (rule.get("labels") or {}).get("severity") not in ("critical", "warning", "info"):
                    problems.append(f"{where}: labels.severity must be critical, warning or info")
                annotations = rule.get("annotations") or {}
                for key in ("summary", "runbook_url"):
                    if not annotations.get(key):
                        problems.append(f"{where}: annotations.{key} missing")
                anchor = str(annotations.get("runbook_url", "")).partition("#")[2]
                if anchor and anchor not in _runbook_anchors():
                    problems.append(f"{where}: docs/operations.md has no section #{anchor}")
            problems += [f"{where}: {p}" for p in check_expr(str(rule.get("expr", "")), catalogue)]
    return problems


def _runbook_anchors() -> set[str]:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    return {
        re.sub(r"[^a-z0-9 -]", "", h.lower()).strip().replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)
    }


def dashboard_exprs(doc: Any) -> list[str]:
    """Every ``expr`` of the dashboard's panels (rows and nested panels included)."""
    found: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "expr" and isinstance(value, str):
                found.append(value)
            else:
                found += dashboard_exprs(value)
    elif isinstance(doc, list):
        for item in doc:
            found += dashboard_exprs(item)
    return found


def check_dashboard(path: Path, catalogue: Catalogue) -> list[str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    exprs = dashboard_exprs(doc)
    if not exprs:
        return [f"{path.name}: no expressions"]
    return [f"{path.name}: {e}: {p}" for e in exprs for p in check_expr(e, catalogue)]


def main() -> int:
    catalogue = Catalogue.load()
    problems = check_rules(HERE / "alerts.yaml", catalogue) + check_dashboard(
        HERE / "grafana-dashboard.json", catalogue
    )
    if problems:
        print("deploy/observability:", *problems, sep="\n  ")
        return 1
    print("deploy: the alert rules and the Grafana dashboard use only metrics and labels shared/metrics.py exports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
