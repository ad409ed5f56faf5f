"""Readiness and migrations: a database serves this release at its head, or ahead of it."""

from __future__ import annotations

from pathlib import Path

from shared.migrations import Revisions, revisions

TREE = Revisions(heads=frozenset({"c"}), known=frozenset({"a", "b", "c"}))


def test_at_head_serves() -> None:
    assert TREE.behind(["c"]) is None


def test_unmigrated_does_not_serve() -> None:
    assert TREE.behind([]) == "not migrated"


def test_behind_does_not_serve() -> None:
    assert TREE.behind(["b"]) == "behind: at b, head is c"


def test_a_later_releases_revision_still_serves() -> None:
    # Expand/contract: the next release's migration runs before its pods; this one keeps serving.
    assert TREE.behind(["d"]) is None


def test_a_services_tree_is_read_from_its_files() -> None:
    tree = revisions(Path(__file__).resolve().parents[3] / "services" / "demand" / "migrations")
    assert len(tree.heads) == 1
    assert tree.heads <= tree.known
