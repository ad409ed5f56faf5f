"""The alert rules and the Grafana dashboard name only what the services export
(deploy/observability/check.py, which ./dev lint also runs), and the checker catches mistakes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("observability_check", ROOT / "deploy/observability/check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


check = _checker()
CATALOGUE = check.Catalogue.load()


def test_the_shipped_rules_and_dashboard_pass() -> None:
    assert check.check_rules(ROOT / "deploy/observability/alerts.yaml", CATALOGUE) == []
    assert check.check_dashboard(ROOT / "deploy/observability/grafana-dashboard.json", CATALOGUE) == []


def test_every_alert_the_issue_asks_for_is_there() -> None:
    doc = yaml.safe_load((ROOT / "deploy/observability/alerts.yaml").read_text(encoding="utf-8"))
    alerts = {r["alert"]: r["expr"] for g in doc["groups"] for r in g["rules"]}
    wanted = {
        "ITPConsumerLagGrowing": "itp_consumer_lag_messages",
        "ITPOutboxStuck": "itp_outbox_oldest_pending_age_seconds",
        "ITPDeadLetters": "itp_dlq_pending_messages",
        "ITPHighErrorRatio": "itp_http_requests_total",
        "ITPLatencyOverBudget": "itp_http_request_duration_seconds_bucket",
        "ITPRelayNotLeading": "itp_relay_leader",
    }
    for alert, metric in wanted.items():
        assert metric in alerts[alert]


def test_every_dashboard_metric_is_exported() -> None:
    exprs = check.dashboard_exprs(
        __import__("json").loads((ROOT / "deploy/observability/grafana-dashboard.json").read_text())
    )
    assert len(exprs) >= 15
    used = {name for e in exprs for name in CATALOGUE.labels if name in e}
    assert "itp_dlq_pending_messages" in used and "itp_consumer_lag_messages" in used


@pytest.mark.parametrize(
    ("expr", "problem"),
    [
        ("sum(rate(itp_http_requests[5m]))", "unknown metric itp_http_requests"),
        ('itp_outbox_pending_events{servcie="demand"}', "has no label servcie"),
        ("sum by (route) (itp_outbox_pending_events)", "by (route)"),
        ("rates(itp_http_requests_total[5m])", "unknown function rates()"),
        ("sum(rate(itp_http_requests_total[5m])", "unclosed"),
        ("rate(itp_http_requests_total[5 minutes])", "not a duration"),
        ("itp_http_requests_total{status=5}", "malformed matcher"),
    ],
)
def test_the_checker_catches(expr: str, problem: str) -> None:
    problems = check.check_expr(expr, CATALOGUE)
    assert any(problem in p for p in problems), problems


def test_valid_expressions_pass() -> None:
    for expr in (
        'sum by (service) (rate(itp_http_requests_total{status=~"5..", service=~"$service"}[$__rate_interval]))',
        "histogram_quantile(0.99, sum by (service, le) (rate(itp_http_request_duration_seconds_bucket[5m]))) > 0.5",
        "max by (topic) (itp_dlq_pending_messages) > 0 and on (topic) itp_dlq_pending_messages > 0",
    ):
        assert check.check_expr(expr, CATALOGUE) == []


def test_a_rule_needs_its_runbook_section(tmp_path: Path) -> None:
    rules = tmp_path / "alerts.yaml"
    rules.write_text(
        yaml.safe_dump(
            {
                "groups": [
                    {
                        "name": "g",
                        "rules": [
                            {
                                "alert": "Nowhere",
                                "expr": "itp_relay_leader < 1",
                                "for": "5 minutes",
                                "labels": {"severity": "page"},
                                "annotations": {"summary": "x", "runbook_url": "docs/operations.md#nowhere"},
                            }
                        ],
                    }
                ]
            }
        )
    )
    problems = " | ".join(check.check_rules(rules, CATALOGUE))
    assert "no section #nowhere" in problems
    assert "'for' is not a duration" in problems
    assert "severity" in problems
