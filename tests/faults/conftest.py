"""The fault suite's verdict line goes to the terminal summary, so it shows in every CI log
(``./dev test`` runs pytest without ``-s``), whether the suite passed or not."""

from __future__ import annotations

import pytest

VERDICTS = pytest.StashKey[list[str]]()


@pytest.fixture
def verdict_line(request: pytest.FixtureRequest) -> list[str]:
    """Lines appended here are printed in the terminal summary."""
    return request.config.stash.setdefault(VERDICTS, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    lines = config.stash.get(VERDICTS, [])
    if lines:
        terminalreporter.section("fault suite")
        for line in lines:
            terminalreporter.write_line(line)
