"""Every ``itp`` command explains itself: ``--help`` names what it does and each of its arguments."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from itp.cli import main

# argparse's own entries, and the positional that takes the rest of the line for another parser.
_UNDOCUMENTED_OK = {"help", "rest"}


def _parsers() -> dict[str, argparse.ArgumentParser]:
    seen: dict[str, argparse.ArgumentParser] = {}
    original = argparse.ArgumentParser.parse_args

    def capture(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> argparse.Namespace:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                seen.update(action.choices)
        raise SystemExit(0)

    argparse.ArgumentParser.parse_args = capture  # type: ignore[method-assign,assignment]
    try:
        with contextlib.suppress(SystemExit):
            main(["--help"])
    finally:
        argparse.ArgumentParser.parse_args = original  # type: ignore[method-assign]
    return seen


COMMANDS = sorted(_parsers())


def test_the_runbook_commands_are_there() -> None:
    for name in ("dlq", "outbox", "consumers", "migrate", "topics", "import"):
        assert name in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_help_describes_the_command_and_every_argument(command: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    text = out.getvalue()
    assert text.startswith(f"usage: itp {command}")
    parser = _parsers()[command]
    assert parser.description or any(a.help for a in parser._actions if a.dest != "help")
    undocumented = [a.dest for a in parser._actions if not a.help and a.dest not in _UNDOCUMENTED_OK and not a.choices]
    assert not undocumented, f"itp {command}: arguments without help: {undocumented}"
