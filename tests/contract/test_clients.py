"""The generated clients are current and compile: clients/generate.sh into a temporary directory
must reproduce clients/ exactly (run it after `itp openapi`), and the TypeScript client passes
`tsc --strict`. Needs the tools `clients/generate.sh --install` sets up (./dev test runs it)."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLIENTS = REPO / "clients"
TSC = CLIENTS / "typescript" / "node_modules" / ".bin" / "tsc"

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node missing: apt-get install -y nodejs npm"),
    pytest.mark.skipif(
        not (REPO / ".venv-clients" / "bin" / "openapi-python-client").exists() or not TSC.exists(),
        reason="the client generator is not installed: clients/generate.sh --install",
    ),
]


def differences(left: Path, right: Path) -> list[str]:
    cmp = filecmp.dircmp(left, right, ignore=["__pycache__", ".ruff_cache"])
    out = [f"only in {left / n}" for n in cmp.left_only] + [f"only in {right / n}" for n in cmp.right_only]
    out += [f"differs: {left / n}" for n in cmp.diff_files]
    for sub in cmp.common_dirs:
        out += differences(left / sub, right / sub)
    return out


def test_the_generated_clients_are_current(tmp_path: Path) -> None:
    run = subprocess.run(
        [str(CLIENTS / "generate.sh"), str(tmp_path)], capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stderr
    stale = differences(CLIENTS / "python" / "itp_client", tmp_path / "python" / "itp_client")
    schema = "typescript/src/schema.d.ts"
    if (CLIENTS / schema).read_bytes() != (tmp_path / schema).read_bytes():
        stale.append(f"differs: clients/{schema}")
    assert not stale, "run: clients/generate.sh\n" + "\n".join(stale)


def test_the_typescript_client_compiles_strictly() -> None:
    run = subprocess.run(
        [str(TSC), "--strict", "--noEmit", "-p", str(CLIENTS / "typescript")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
