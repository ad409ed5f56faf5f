"""Service boundaries, checked on the source (parsed, never imported).

A service imports the standard library, third-party packages, ``shared`` and itself;
never another service, and never the ``itp`` composition root. ``shared`` imports no
service and no ``itp``. Services learn about each other from events, or, in the gateway
only, over HTTP.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVICES_DIR = ROOT / "services"
SHARED_DIR = ROOT / "shared"
SERVICES = sorted(p.name for p in SERVICES_DIR.iterdir() if (p / "__init__.py").is_file())
FORBIDDEN_EVERYWHERE = ("itp",)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    return _imports_in(path.read_text(encoding="utf-8"), path)


def _imports_in(source: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source`` (the text of ``path``),
    relative ones resolved, plus import_module / __import__ calls with a literal name."""
    tree = ast.parse(source, filename=str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            if not node.module or target in ("services", "shared"):
                # "from . import x", "from services import talent": the names are modules.
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def _py_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


def _top(name: str) -> str:
    return name.split(".")[0]


def test_the_services_are_found() -> None:
    assert {"demand", "talent", "matching", "gateway"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_only_shared_and_itself(service: str) -> None:
    files = _py_files(SERVICES_DIR / service)
    assert files
    violations = []
    for path in files:
        for line, name in _imports(path):
            top = _top(name)
            if top in FORBIDDEN_EVERYWHERE:
                violations.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
            elif top == "services":
                parts = name.split(".")
                if len(parts) < 2 or parts[1] != service:
                    violations.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not violations, "a service may import only shared and itself:\n" + "\n".join(violations)


def test_shared_imports_no_service_and_no_composition_root() -> None:
    violations = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _py_files(SHARED_DIR)
        for line, name in _imports(path)
        if _top(name) in ("services", *FORBIDDEN_EVERYWHERE)
    ]
    assert not violations, "shared is the kernel every service uses; it imports none:\n" + "\n".join(violations)


# --- the checker itself ---------------------------------------------------------------------------


def _names(source: str, path: str = "services/demand/api.py") -> set[str]:
    return {name for _, name in _imports_in(source, ROOT / path)}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import services.talent.domain", {"services.talent.domain"}),
        ("from services.talent import domain", {"services.talent"}),
        ("from services import talent", {"services", "services.talent"}),
        ("from ..talent import domain", {"services.talent"}),
        ("from . import domain", {"services.demand", "services.demand.domain"}),
        ("from .domain import Demand", {"services.demand.domain"}),
        (
            "import importlib\nimportlib.import_module('services.matching.scoring')",
            {"importlib", "services.matching.scoring"},
        ),
        ("def f():\n    from itp.services import definition", {"itp.services"}),
    ],
)
def test_the_checker_sees_every_form_of_import(source: str, expected: set[str]) -> None:
    assert _names(source) == expected


def test_the_checker_resolves_relative_imports_in_packages() -> None:
    assert _names("from .domain import Demand", "services/demand/__init__.py") == {"services.demand.domain"}
    assert _names("from .. import x", "services/demand/tests/unit/test_x.py") == {
        "services.demand.tests",
        "services.demand.tests.x",
    }
