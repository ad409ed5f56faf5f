"""Idle means idle: the CPU the embedded platform uses at rest.

Starts ``itp embedded --demo`` (what ``./dev run`` starts) on a fresh data directory, waits until
it is up and the demo data has settled (every outbox published, every consumer caught up: the
process's CPU over a few seconds drops to its resting rate, or ``--settle`` seconds pass), then
reads the process's CPU time (user + system, every thread, from ``/proc/<pid>/stat``) over
``--duration`` seconds and prints

    idle_cpu: X% of a core (N s, pid P)

    .venv/bin/python -m bench.idle_cpu                   # 30 s
    .venv/bin/python -m bench.idle_cpu --duration 10     # a quicker look
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared.testing import free_port

REPO = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` (all its threads) and of its waited-for children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return (utime + stime + cutime + cstime) / TICKS


def wait_until_up(proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Read the platform's output until it says the demo data is loaded (it loads once the platform is up)."""
    assert proc.stdout is not None
    fd, seen = proc.stdout.fileno(), b""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the embedded platform exited with {proc.returncode}")
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            seen += os.read(fd, 65536)  # unbuffered: select() and a buffered reader disagree
            if b"demo data loaded" in seen:
                return
    raise SystemExit(f"the embedded platform was not up after {timeout_s} s")


def settle(pid: int, max_s: float, *, window_s: float = 3.0, resting: float = 0.05) -> float:
    """Wait until a ``window_s`` window uses less than ``resting`` of a core (or ``max_s`` passes)."""
    started = time.monotonic()
    while time.monotonic() - started < max_s:
        before = cpu_seconds(pid)
        time.sleep(window_s)
        if (cpu_seconds(pid) - before) / window_s < resting:
            break
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.idle_cpu", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds measured at rest")
    parser.add_argument("--settle", type=float, default=60.0, help="at most this long for the demo data to settle")
    args = parser.parse_args(argv)

    data = Path(tempfile.mkdtemp(prefix="itp-idle-"))
    env = {**os.environ, "ITP_ENV": "development", "ITP_DATABASE_URL": f"sqlite+aiosqlite:///{data}/{{service}}.db"}
    env.pop("ITP_MODE", None)
    itp = [sys.executable, "-m", "itp.cli"]
    subprocess.run([*itp, "migrate", "all"], env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    proc = subprocess.Popen(
        [*itp, "embedded", "--demo", "--data-dir", str(data), "--port", str(free_port())],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
    )
    try:
        wait_until_up(proc, 300)
        settled = settle(proc.pid, args.settle)
        before, t0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(args.duration)
        used, elapsed = cpu_seconds(proc.pid) - before, time.monotonic() - t0
        if proc.poll() is not None:
            raise SystemExit("the embedded platform exited during the measurement")
        print(f"settled after {settled:.0f} s", file=sys.stderr)
        print(f"idle_cpu: {100 * used / elapsed:.2f}% of a core ({elapsed:.0f} s, pid {proc.pid})", flush=True)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
