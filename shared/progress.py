"""Progress of a long command (``itp rebuild``, ``itp dlq redrive``, ``itp import-history``): the
count done, the total, the rate and the time left on stderr.

On a terminal one line is redrawn in place a few times a second. Elsewhere (a pipe, a log) it is
quiet, unless ``piped_every_s`` asks for a plain line that often (a rebuild's log); a script that
reads ``--json`` on stdout sees nothing of it either way."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class Progress:
    """``with Progress("redriving", total) as p: ... p.advance()``. At the end the line is cleared,
    or, with ``keep``, left as the last word (and written once more on a pipe)."""

    def __init__(
        self,
        what: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        every_s: float = 0.2,
        piped_every_s: float | None = None,
        keep: bool = False,
    ) -> None:
        self.what = what
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if enabled is None else enabled
        self.enabled = enabled is not False and (self.tty or piped_every_s is not None)
        self.every_s = every_s if self.tty else (piped_every_s or 0.0)
        self.keep = keep
        self._started = time.monotonic()
        self._drawn = self._started if not self.tty else 0.0
        self._width = 0
        self._phases: list[tuple[str, float]] = []  # (what, seconds) of the phases before this one

    def line(self, now: float | None = None) -> str:
        """What is shown: ``what: done/total (pct%) rate/s, ETA m:ss``."""
        elapsed = (time.monotonic() if now is None else now) - self._started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if self.total:
            pct = 100 * self.done / self.total
            left = (self.total - self.done) / rate if rate > 0 else None
            eta = f"{int(left) // 60}:{int(left) % 60:02d}" if left is not None else "?"
            return f"{self.what}: {self.done}/{self.total} ({pct:.0f}%) {rate:.0f}/s, ETA {eta}"
        return f"{self.what}: {self.done} ({rate:.0f}/s)"

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn >= self.every_s or (self.tty and self.done == self.total):
            self._drawn = now
            self._draw(self.line(now))

    def restart(self, what: str, total: int | None = None) -> None:
        """The next phase of the same command, counted from zero on the same line."""
        now = time.monotonic()
        self._phases.append((self.what, now - self._started))
        self.what, self.total, self.done = what, total, 0
        self._started = now

    def phases(self) -> list[tuple[str, float]]:
        """How long each phase took so far (``restart`` begins the next), the running one included."""
        return [*self._phases, (self.what, time.monotonic() - self._started)]

    def update(self, done: int, total: int | None = None) -> None:
        """The callback for code that reports ``(done, total)`` itself (an importer)."""
        if total is not None:
            self.total = total
        self.advance(done - self.done)

    def _draw(self, text: str) -> None:
        if not self.tty:
            self.stream.write(text + "\n")
        else:
            pad = max(0, self._width - len(text))
            self.stream.write(f"\r{text}{' ' * pad}")
            self._width = len(text)
        self.stream.flush()

    def __enter__(self) -> Progress:
        if self.tty:
            self._draw(self.line())
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.enabled:
            return
        if self.keep:
            self._draw(self.line())
            if self.tty:
                self.stream.write("\n")
        elif self.tty:
            self.stream.write(f"\r{' ' * self._width}\r")
        self.stream.flush()
