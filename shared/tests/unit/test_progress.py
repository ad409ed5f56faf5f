"""A long command's progress line: counts, total, ETA on a terminal; nothing on a pipe."""

from __future__ import annotations

import io

from shared.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_line_counts_up_to_the_total_and_is_cleared_at_the_end() -> None:
    out = Terminal()
    with Progress("redriving", 4, stream=out, every_s=0) as p:
        for _ in range(4):
            p.advance()
    text = out.getvalue()
    assert "redriving: 0/4 (0%)" in text
    assert "redriving: 4/4 (100%)" in text and "ETA" in text
    assert text.endswith("\r") and "\n" not in text, "the line is redrawn in place, then cleared"


def test_the_eta_follows_the_rate() -> None:
    p = Progress("importing", 100, stream=io.StringIO())
    p.done = 25
    assert p.line(now=p._started + 10) == "importing: 25/100 (25%) 2/s, ETA 0:30"
    p.total = None
    assert p.line(now=p._started + 10) == "importing: 25 (2/s)"


def test_on_a_pipe_it_is_quiet() -> None:
    out = io.StringIO()
    with Progress("redriving", 3, stream=out) as p:
        p.advance(3)
    assert p.done == 3 and out.getvalue() == ""
