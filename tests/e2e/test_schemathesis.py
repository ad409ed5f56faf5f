"""Schemathesis against the gateway's OpenAPI document (docs/openapi.json) on the multi-process stack
(real PostgreSQL and Kafka): generated requests for every operation, once per role, with every check
(documented status codes, content types, headers and response schemas, problem+json, no 5xx).

The stack runs with raised request limits (a test setting; the limits cannot be turned off)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from shared.testing import token_for
from tests.e2e.conftest import running_stack

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
# Every operation (about 75) for every role, fuzzed (schema-valid and schema-violating data). The
# coverage phase (every boundary of every parameter) makes thousands of cases per role: run it by hand
# with `st run --phases coverage` when changing many schemas.
PHASES, MAX_EXAMPLES = "fuzzing", 4
MIN_CASES = 1000
# Not yet: methods a path does not have (OPTIONS, or PUT on a gateway-owned path) are answered by the
# gateway's catch-all proxy, whose 405/404 lists its own methods instead of the path's (issue 16,
# left to the gateway proxy's owner). Every other check runs.
EXCLUDED_CHECKS = "unsupported_method,allow_header_conformance"
RUN_TIMEOUT_S = 600  # per role; a bound for a stuck run, not a timing assertion


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[dict[str, Any]]:
    async with running_stack(
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
        "--exclude-checks",
        EXCLUDED_CHECKS,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--phases",
        PHASES,
        "--workers",
        "2",
        "--seed",
        "2",
        "--request-timeout",
        "30",
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "ndjson",
        "--report-dir",
        str(report),
        env={**os.environ, "NO_COLOR": "1"},
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


@pytest.mark.skipif(
    os.environ.get("ITP_SCHEMATHESIS") != "1",
    reason="opt-in (ITP_SCHEMATHESIS=1) until it is shown stable in CI: one run hit a schemathesis runtime "
    "error (CPython 'AST constructor recursion depth mismatch'), not an API failure",
)
async def test_generated_requests_for_every_role_conform(stack: dict[str, Any], tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{stack['ports']['gateway']}"
    cases = 0
    for role in ROLES:
        report = tmp_path / role
        code, out = await run_schemathesis(base_url, role, report)
        assert code == 0, f"schemathesis as {role}:\n{out[-20000:]}"
        cases += count_cases(report)
    assert cases >= MIN_CASES, f"only {cases} generated cases"
