"""docs/portal-guide.md, executed: its Python blocks, in order and in one namespace, drive the
generated client (clients/python) against the embedded platform — register an enterprise, exchange
an API key for a token, create and submit a demand with an Idempotency-Key, read the composed view,
update with If-Match and recover from a stale 412, read a 422's field errors as a typed Problem,
page through demands. The one step a portal cannot do itself, an operator issuing its API key, is
done here between the blocks."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Any

import pytest

from services.gateway.credentials import ApiKeyStore
from shared.db import create_engine
from shared.testing import token_for
from tests.e2e.slice import new_credit_code

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "portal-guide.md"
CLIENT = REPO / "clients" / "python"


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", markdown, flags=re.DOTALL | re.MULTILINE)


async def run_block(source: str, namespace: dict[str, Any], number: int) -> None:
    code = compile(source, f"{GUIDE.name} (python block {number})", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, namespace)  # the guide's own example, top-level await allowed
    if result is not None:
        await result


async def test_the_portal_guide_runs(embedded: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(CLIENT))
    monkeypatch.setenv("ITP_URL", embedded["platform"].gateway_url)
    monkeypatch.setenv("ITP_STAFF_TOKEN", token_for("operator"))
    monkeypatch.setenv("ITP_CREDIT_CODE", new_credit_code())
    blocks = python_blocks(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 8, "the guide's examples are found"
    namespace: dict[str, Any] = {"__name__": "portal_guide"}
    engine = create_engine(f"sqlite+aiosqlite:///{embedded['data_dir']}/gateway.db")
    try:
        for number, block in enumerate(blocks, 1):
            if "ITP_API_KEY" in block and "ITP_API_KEY" not in os.environ:
                key = await ApiKeyStore(engine).create(
                    subject="my-portal", roles=["enterprise_user"], enterprise_id=str(namespace["enterprise_id"])
                )
                monkeypatch.setenv("ITP_API_KEY", key)
            await run_block(block, namespace, number)
    finally:
        await engine.dispose()
    assert namespace["retry"].status_code == 200  # the journey ran to its end
