"""Runs tests/contract/asyncapi.mjs: the official AsyncAPI parser on docs/asyncapi.json and, given
events, ajv on each against its message schema. Needs node and ``cd tests/contract && npm ci``
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
SCRIPT = HERE / "asyncapi.mjs"


def missing() -> str | None:
    """Why the check cannot run here, or None."""
    if shutil.which("node") is None:
        return "node missing: apt-get install -y nodejs npm"
    if not (HERE / "node_modules" / "@asyncapi" / "parser").exists():
        return "@asyncapi/parser missing: cd tests/contract && npm ci"
    return None


def check_asyncapi(events: list[dict[str, Any]] | None = None) -> subprocess.CompletedProcess[str]:
    """Parse the document (and validate ``events``); the caller asserts on ``returncode``."""
    with tempfile.TemporaryDirectory() as tmp:
        args = ["node", str(SCRIPT), str(ASYNCAPI)]
        if events is not None:
            path = Path(tmp) / "events.json"
            path.write_text(json.dumps(events), encoding="utf-8")
            args.append(str(path))
        return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
