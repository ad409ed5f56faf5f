"""How a rebuild shows how far it is: count, rate and ETA; rewritten in place on a terminal,
plain lines in a log."""

from __future__ import annotations

import io

from shared.replay import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line_says_the_count_the_rate_and_the_time_left() -> None:
    assert Progress.line(2_500, 10_000, 2.0) == "replayed 2,500 of 10,000 events (25%), 1,250 events/s, ETA 6 s"
    assert Progress.line(0, 10_000, 0.0).endswith("0 events/s, ETA -")
    assert Progress.line(10_000, 10_000, 4.0).endswith("ETA -")


def test_a_log_gets_plain_lines_and_the_final_one() -> None:
    log = io.StringIO()
    shown = Progress(100, log, every_s=0.0)
    shown.update(40)
    shown.update(100, final=True)
    lines = log.getvalue().splitlines()
    assert [line.split(" events (")[0] for line in lines] == ["replayed 40 of 100", "replayed 100 of 100"]
    assert "\r" not in log.getvalue()


def test_a_terminal_gets_one_line_rewritten_in_place() -> None:
    tty = Terminal()
    shown = Progress(100, tty, every_s=0.0)
    shown.update(40)
    shown.update(100, final=True)
    out = tty.getvalue()
    assert out.count("\r\x1b[K") == 2 and out.endswith("\n") and out.count("\n") == 1


def test_updates_between_two_showings_are_not_shown() -> None:
    log = io.StringIO()
    shown = Progress(100, log, every_s=3600.0)
    shown.update(10)
    shown.update(20)
    assert log.getvalue() == ""
    shown.update(100, final=True)
    assert log.getvalue().startswith("replayed 100 of 100")
