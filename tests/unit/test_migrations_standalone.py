"""A migration never runs the application's code: a revision stays what it was when written, however
the services' renderers, tokenisers or rules move on (derived data they need is inlined as it was,
or left for ``itp views refresh``). Column types (``shared.db``) are all they may take from the tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REVISIONS = sorted(REPO.glob("services/*/migrations/versions/*.py"))
ALLOWED = ("shared.db",)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_there_are_revisions() -> None:
    assert len(REVISIONS) > 10


@pytest.mark.parametrize("path", REVISIONS, ids=lambda p: f"{p.parts[-4]}/{p.stem[:12]}")
def test_a_revision_imports_no_application_code(path: Path) -> None:
    ours = {m for m in _imports(path) if m.split(".")[0] in ("services", "shared", "itp")}
    assert ours <= set(ALLOWED), f"{path.relative_to(REPO)} imports {sorted(ours - set(ALLOWED))}"
