"""The supervisor behind ``itp stack``: keep every process up until asked to stop.

A child that exits while nobody asked for it is started again after a capped exponential
back-off (0.5 s, 1 s, 2 s, ... up to ``max_backoff_s``; back to the first delay once a child
has run ``stable_after_s``), and each step is said on stderr:

    itp stack: started demand (pid 4242, port 8001)
    itp stack: demand (pid 4242) was killed by SIGKILL; restarting in 0.5 s (restart 1)
    itp stack: demand (pid 4242) exited with code 1; restarting in 1.0 s (restart 2)

SIGTERM, SIGINT and SIGHUP stop the whole stack: every child gets SIGTERM (a graceful
shutdown: relay, consumers and connections closed), whatever still runs after ``grace_s``
gets SIGKILL, and the supervisor returns once every child is reaped. A second signal
during that grace period sends SIGKILL at once. The children run in their own process
groups (a terminal's Ctrl+C reaches only the supervisor, which stops them in order) and
die with the supervisor even when it is SIGKILLed: each asks the kernel for a SIGKILL when
its parent dies (Linux ``PR_SET_PDEATHSIG``). Nothing is lost when that happens: the outbox
and the idempotent consumers make it a crash like any other.

The supervisor sleeps in ``sigtimedwait`` (child exits, stop signals, the next restart):
it costs no CPU while nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_WAITED = {signal.SIGCHLD, *STOP_SIGNALS}
_PR_SET_PDEATHSIG = 1


@dataclass
class Child:
    """One supervised process: what to run, and its current incarnation."""

    name: str
    argv: Sequence[str]
    port: int | None = None
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff_s: float = 0.0
    restart_at: float | None = None  # monotonic time of the scheduled restart


def _die_with_parent() -> Callable[[], None]:
    """A ``preexec_fn`` for children: unblock signals, SIGKILL when the parent dies (Linux)."""
    parent = os.getpid()
    prctl: Callable[..., int] | None = None
    if sys.platform.startswith("linux"):
        # Resolved here, before fork: the child only calls it.
        prctl = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl

    def setup() -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, [])  # the supervisor blocks its signals; the child must not
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != parent:  # the parent died between fork and prctl
                os._exit(1)

    return setup


def next_backoff(previous_s: float, *, ran_s: float, first_s: float, max_s: float, stable_after_s: float) -> float:
    """The wait before the next restart: the first delay, doubled on each crash, capped; back to
    the first delay once a process had run ``stable_after_s`` (a crash now and then is not a loop)."""
    if previous_s <= 0 or ran_s >= stable_after_s:
        return min(first_s, max_s)
    return min(previous_s * 2, max_s)


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


@dataclass
class Supervisor:
    children: list[Child]
    env: Mapping[str, str]
    grace_s: float = 10.0
    first_backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    stable_after_s: float = 30.0
    out: TextIO = field(default_factory=lambda: sys.stderr)

    def say(self, message: str) -> None:
        print(f"itp stack: {message}", file=self.out, flush=True)

    def _start(self, child: Child) -> None:
        child.restart_at = None
        child.proc = subprocess.Popen(
            list(child.argv),
            env=dict(self.env),
            preexec_fn=_die_with_parent(),  # safe: the supervisor runs no threads
            process_group=0,
        )
        child.started_at = time.monotonic()
        where = f", port {child.port}" if child.port is not None else ""
        self.say(f"started {child.name} (pid {child.proc.pid}{where})")

    def _reap(self) -> None:
        """Notice children that exited and schedule their restart."""
        now = time.monotonic()
        for child in self.children:
            if child.proc is None or child.proc.poll() is None:
                continue
            proc, child.proc = child.proc, None
            assert proc.returncode is not None
            child.backoff_s = next_backoff(
                child.backoff_s,
                ran_s=now - child.started_at,
                first_s=self.first_backoff_s,
                max_s=self.max_backoff_s,
                stable_after_s=self.stable_after_s,
            )
            child.restarts += 1
            child.restart_at = now + child.backoff_s
            self.say(
                f"{child.name} (pid {proc.pid}) {_describe_exit(proc.returncode)}; "
                f"restarting in {child.backoff_s:.1f} s (restart {child.restarts})"
            )

    def run(self) -> int:
        """Start every child and keep them up until a stop signal; returns the exit status (0)."""
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _WAITED)
        try:
            for child in self.children:
                self._start(child)
            self.say(f"running {_processes(len(self.children))}; SIGTERM, SIGINT or SIGHUP stops them all")
            while True:
                due = [c.restart_at for c in self.children if c.restart_at is not None]
                timeout = max(0.0, min(due) - time.monotonic()) if due else None
                info = signal.sigtimedwait(_WAITED, timeout) if timeout is not None else signal.sigwaitinfo(_WAITED)
                if info is not None and info.si_signo in STOP_SIGNALS:
                    self.stop(signal.Signals(info.si_signo).name)
                    return 0
                self._reap()
                now = time.monotonic()
                for child in self.children:
                    if child.restart_at is not None and child.restart_at <= now:
                        self._start(child)
        except BaseException:
            self.stop("an error in the supervisor")
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)

    def stop(self, reason: str) -> None:
        """SIGTERM every child, SIGKILL what is left after the grace period, reap them all."""
        alive = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for c in self.children:
            c.restart_at = None
        self.say(f"{reason}: stopping {_processes(len(alive))} (SIGTERM, then SIGKILL after {self.grace_s:g} s)")
        for p in alive:
            _signal(p, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_s
        while any(p.poll() is None for p in alive):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            info = signal.sigtimedwait(_WAITED, left)
            if info is not None and info.si_signo in STOP_SIGNALS:
                self.say(f"{signal.Signals(info.si_signo).name} again: killing what is left")
                break
        for child in self.children:
            if child.proc is not None and child.proc.poll() is None:
                self.say(f"{child.name} (pid {child.proc.pid}) did not stop in time: SIGKILL")
                _signal(child.proc, signal.SIGKILL)
        for p in alive:
            p.wait()
        for c in self.children:
            c.proc = None
        self.say("stopped")


def _processes(n: int) -> str:
    return f"{n} process" if n == 1 else f"{n} processes"


def _signal(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        proc.send_signal(sig)
    except ProcessLookupError:
        pass
