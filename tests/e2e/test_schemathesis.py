"""Schemathesis against the gateway's OpenAPI document (docs/openapi.json) on the embedded platform:
generated requests for every operation, once per role (a token each), with every check (documented
status codes, content types, headers and response schemas, problem+json, no 5xx, schema-valid data
accepted and schema-violating data refused, 405s with a true ``Allow``).

The platform runs with raised request limits (a test setting; the limits cannot be turned off).
Each role's run is its own ``st`` process with one worker: CPython 3.11.7's AST constructor keeps
its recursion depth in state shared by threads (gh-106905, fixed in 3.11.8), so two workers in one
process may fail with "AST constructor recursion depth mismatch" (schemathesis and hypothesis parse
source as they run); processes share nothing, and two of them at a time use both cores."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.testing import auth_headers, token_for
from tests.e2e.conftest import embedded_platform

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"
# One token per role (the claims each role's token must carry).
ROLES: dict[str, dict[str, Any]] = {
    "admin": {},
    "operator": {},
    "project_manager": {},
    "enterprise_user": {"enterprise_id": uuid.uuid4()},
    "carrier_user": {"carrier_id": uuid.uuid4()},
    "dashboard_viewer": {},
}
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Every operation (85) for every role, fuzzed (schema-valid and schema-violating data): about 250
# cases a role. The coverage phase (every boundary of every parameter, and the methods a path does
# not have) makes thousands of cases per role: run it by hand with `st run --phases coverage` when
# changing many schemas; test_every_path_refuses_the_methods_it_does_not_have covers the methods here.
PHASES, MAX_EXAMPLES = "fuzzing", 2
MIN_CASES = 1000
AT_ONCE = 3  # st processes at a time
RUN_TIMEOUT_S = 600  # per role; a bound for a stuck run, not a timing assertion
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")


@pytest.fixture(scope="module")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    async with embedded_platform(
        tmp_path_factory.mktemp("schemathesis"),
        ITP_RATE_LIMIT_PER_MINUTE="1000000",
        ITP_RATE_LIMIT_BURST="1000000",
        ITP_AUTH_FAILURE_BURST="1000000",
        ITP_AUTH_FAILURES_PER_MINUTE="1000000",
    ) as running:
        yield running


async def run_schemathesis(base_url: str, role: str, report: Path) -> tuple[int, str]:
    token = token_for(role, subject=f"schemathesis-{role}", **ROLES[role])
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(CONFIG),
        "run",
        str(DOCUMENT),
        "--url",
        base_url,
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--phases",
        PHASES,
        "--workers",
        "1",
        # Hypothesis' health checks time data generation (too_slow...): on a loaded machine they
        # would fail the run for the machine's sake, not the API's.
        "--suppress-health-check",
        "all",
        "--seed",
        "2",
        "--request-timeout",
        "30",
        "--report",
        "ndjson",
        "--report-dir",
        str(report),
        env={**os.environ, "NO_COLOR": "1", "ITP_SCHEMATHESIS_TOKEN": token},  # schemathesis.toml's bearer
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), RUN_TIMEOUT_S)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, out.decode(errors="replace")


def count_cases(report: Path) -> int:
    count = 0
    for path in report.glob("*.ndjson"):
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if "ScenarioFinished" in event:
                count += len(event["ScenarioFinished"].get("recorder", {}).get("cases", {}))
    return count


async def test_generated_requests_for_every_role_conform(platform: dict[str, Any], tmp_path: Path) -> None:
    base_url = platform["platform"].gateway_url
    at_once = asyncio.Semaphore(AT_ONCE)

    async def run(role: str) -> int:
        async with at_once:
            code, out = await run_schemathesis(base_url, role, tmp_path / role)
        assert code == 0, f"schemathesis as {role}:\n{out[-20000:]}"
        return count_cases(tmp_path / role)

    cases = sum(await asyncio.gather(*(run(role) for role in ROLES)))
    assert cases >= MIN_CASES, f"only {cases} generated cases"


async def test_every_path_refuses_the_methods_it_does_not_have(platform: dict[str, Any]) -> None:
    """Every documented path, for each method it does not document: 405 with ``Allow`` naming exactly
    its documented methods (and OPTIONS); OPTIONS answers 204 with the same ``Allow``."""
    paths: dict[str, dict[str, Any]] = json.loads(DOCUMENT.read_text(encoding="utf-8"))["paths"]
    async with httpx.AsyncClient(
        base_url=platform["platform"].gateway_url, timeout=30, headers=auth_headers("admin")
    ) as gateway:
        for template, operations in paths.items():
            url = template
            for name in [part[1:-1] for part in template.split("/") if part.startswith("{")]:
                url = url.replace(f"{{{name}}}", "overview" if name == "dimension" else str(uuid.uuid4()))
            documented = {m.upper() for m in operations}
            allow = {*documented, "OPTIONS"}
            for method in [m for m in METHODS if m not in documented]:
                r = await gateway.request(method, url, json={} if method in ("PUT", "POST", "PATCH") else None)
                assert r.status_code == 405, (method, template, r.status_code, r.text[:300])
                assert r.headers["content-type"] == "application/problem+json"
                assert set(r.headers["allow"].split(", ")) == allow, (method, template, r.headers["allow"])
            r = await gateway.options(url)
            assert r.status_code == 204, (template, r.status_code)
            assert set(r.headers["allow"].split(", ")) == allow, (template, r.headers["allow"])
