"""Progress of a long command (``itp dlq redrive``, ...): one line on stderr, redrawn with the
count done, the total, the rate and the time left, only while stderr is a terminal; quiet
otherwise (a pipe, a log, ``--json`` read by a script see nothing of it)."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class Progress:
    """``with Progress("redriving", total) as p: ... p.advance()``; the line is cleared at the end."""

    def __init__(
        self,
        what: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        every_s: float = 0.2,
    ) -> None:
        self.what = what
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.every_s = every_s
        self._started = time.monotonic()
        self._drawn = 0.0
        self._width = 0

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
        if now - self._drawn >= self.every_s or self.done == self.total:
            self._drawn = now
            self._draw(self.line(now))

    def _draw(self, text: str) -> None:
        pad = max(0, self._width - len(text))
        self.stream.write(f"\r{text}{' ' * pad}")
        self.stream.flush()
        self._width = len(text)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._draw(self.line())
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.enabled:
            self.stream.write(f"\r{' ' * self._width}\r")
            self.stream.flush()
