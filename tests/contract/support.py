"""Runs tests/contract/*.mjs: the official AsyncAPI parser on docs/asyncapi.json (asyncapi.mjs) and
ajv on events against their message schemas (events.mjs). Needs node and ``cd tests/contract && npm ci``
(``./dev test`` runs it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
ASYNCAPI = HERE.parent.parent / "docs" / "asyncapi.json"


def missing() -> str | None:
    """Why the check cannot run here, or None."""
    if shutil.which("node") is None:
        return "node missing: apt-get install -y nodejs npm"
    if not (HERE / "node_modules" / "@asyncapi" / "parser").exists():
        return "@asyncapi/parser missing: cd tests/contract && npm ci"
    return None


def _node(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(HERE / script), str(ASYNCAPI), *args], capture_output=True, text=True, timeout=120, check=False
    )


def check_asyncapi() -> subprocess.CompletedProcess[str]:
    """The official parser on the document; the caller asserts on ``returncode``."""
    return _node("asyncapi.mjs")


def check_events(events: list[dict[str, Any]]) -> subprocess.CompletedProcess[str]:
    """Each CloudEvent against its message's payload schema; the caller asserts on ``returncode``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.json"
        path.write_text(json.dumps(events), encoding="utf-8")
        return _node("events.mjs", str(path))
