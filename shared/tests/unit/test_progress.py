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


def test_a_log_gets_a_plain_line_now_and_then_and_the_last_word() -> None:
    log = io.StringIO()
    with Progress("replayed events", 100, stream=log, piped_every_s=0.0, keep=True) as p:
        p.advance(40)
        p.advance(60)
    lines = log.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "replayed events: 40/100",
        "replayed events: 100/100",
        "replayed events: 100/100",
    ]
    assert "\r" not in log.getvalue()


def test_a_log_is_not_flooded_between_two_showings() -> None:
    log = io.StringIO()
    with Progress("replayed events", 100, stream=log, piped_every_s=3600.0, keep=True) as p:
        p.advance(10)
        p.advance(20)
        assert log.getvalue() == ""
    assert log.getvalue().startswith("replayed events: 30/100")


def test_kept_on_a_terminal_the_last_line_stays() -> None:
    out = Terminal()
    with Progress("replayed events", 2, stream=out, every_s=0, keep=True) as p:
        p.advance(2)
    assert out.getvalue().endswith("replayed events: 2/2 (100%) " + out.getvalue().rsplit(") ", 1)[1])
    assert out.getvalue().endswith("\n") and out.getvalue().count("\n") == 1


def test_switched_off_it_says_nothing_even_with_a_log_cadence() -> None:
    log = io.StringIO()
    with Progress("replayed events", 5, stream=log, enabled=False, piped_every_s=0.0, keep=True) as p:
        p.advance(5)
    assert log.getvalue() == ""


def test_each_phase_is_timed_from_its_restart_to_the_next() -> None:
    p = Progress("generating", enabled=False)
    p._started -= 3.0  # began three seconds ago
    p.restart("importing demand", 10)
    p._started -= 5.0
    p.restart("importing match")
    (first, a), (second, b), (running, c) = p.phases()
    assert (first, second, running) == ("generating", "importing demand", "importing match")
    assert 3.0 <= a < 4.0 and 5.0 <= b < 6.0 and 0.0 <= c < 1.0
