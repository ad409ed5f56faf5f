"""``itp stack`` keeps its processes up and takes them all down when told, leaving no orphan.

Each test starts the real ``itp stack`` (only the demand service, on its own database and
topics of the real PostgreSQL and Kafka, to stay quick), then crashes a child, or signals
the supervisor, and looks at what is left: the processes it started, and their ports.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from itp.services import definition
from shared.bus.kafka import KafkaBus
from shared.events import topics
from shared.testing import (
    create_database,
    drop_database,
    free_port_block,
    kafka_bootstrap,
    migrated_template,
    unique,
    wait_for,
)

STARTED = re.compile(r"itp stack: started (\w+) \(pid (\d+), port (\d+)\)")


@pytest.fixture(scope="module")
async def demand_env() -> AsyncIterator[dict[str, str]]:
    """What ``itp stack --services demand`` needs: a migrated database, topics of its own."""
    prefix = unique("itp_sup")
    bus = KafkaBus(kafka_bootstrap())
    await bus.ensure_topics([t for base in topics.for_prefix(prefix).values() for t in (base, topics.dlq(base))], 1)
    db = unique("itp_sup_demand")
    url = await create_database(db, template=await migrated_template("demand", definition("demand").migrations))
    yield {
        **os.environ,
        "ITP_ENV": "test",
        "ITP_KAFKA_BOOTSTRAP": kafka_bootstrap(),
        "ITP_TOPIC_PREFIX": prefix,
        "ITP_DEMAND_DATABASE_URL": url,
    }
    await drop_database(db)


@dataclass
class RunningStack:
    proc: subprocess.Popen[bytes]
    log: Path
    demand_port: int

    def started(self) -> list[tuple[str, int, int]]:
        """(service, pid, port) of every child started so far, in order."""
        return [(m[1], int(m[2]), int(m[3])) for m in STARTED.finditer(self.log.read_text())]

    def pids(self) -> set[int]:
        return {pid for _, pid, _ in self.started()}


async def _serving(port: int) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
async def stack(demand_env: dict[str, str], tmp_path: Path) -> AsyncIterator[RunningStack]:
    base = free_port_block(6)
    log = tmp_path / "stack.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: ASYNC220 - started once per test, before any request
            [sys.executable, "-m", "itp.cli", "stack", "--services", "demand", "--port", str(base), "--grace", "5"],
            env=demand_env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    running = RunningStack(proc, log, base + 1)
    try:

        async def up() -> bool:
            assert proc.poll() is None, f"itp stack exited:\n{log.read_text()}"
            return await _serving(running.demand_port)

        await wait_for(up, timeout_s=180, interval_s=0.2, what="the demand service of itp stack to be ready")
        yield running
    finally:
        pids = running.pids()
        if proc.poll() is None:
            proc.kill()  # its children die with it (PR_SET_PDEATHSIG)
            proc.wait(10)
        for pid in pids:  # never leave anything behind, whatever the test did
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """A process exists and is not a zombie (a group leader shows Z while its other threads still
    exit, holding its sockets: it counts as alive until it is the last one)."""
    try:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
    except (FileNotFoundError, ProcessLookupError):
        return False
    return not (status["State"].strip().startswith("Z") and int(status["Threads"]) <= 1)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _serve_processes(port: int) -> list[int]:
    """Any ``itp serve`` process on ``port``, whoever its parent is now (orphans included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and b"--port" in argv and str(port).encode() in argv and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


async def _nothing_left(stack: RunningStack) -> bool:
    return (
        not any(_alive(p) for p in stack.pids())
        and not _serve_processes(stack.demand_port)
        and not _listening(stack.demand_port)
    )


async def _stopped_by(stack: RunningStack, sig: signal.Signals) -> None:
    """Send ``sig`` to itp stack; it exits 0 and leaves no process and no port behind."""
    stack.proc.send_signal(sig)
    await wait_for(lambda: _exited(stack.proc), timeout_s=20, interval_s=0.1, what="itp stack to exit")
    assert stack.proc.returncode == 0
    assert not any(_alive(p) for p in stack.pids())  # the supervisor reaped them before it exited
    assert await _nothing_left(stack)
    log = stack.log.read_text()
    assert f"itp stack: {sig.name}: stopping 1 process (SIGTERM, then SIGKILL after 5 s)" in log
    assert log.rstrip().endswith("itp stack: stopped")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
async def test_a_stop_signal_stops_every_child(stack: RunningStack, sig: signal.Signals) -> None:
    await _stopped_by(stack, sig)
    assert "restarting" not in stack.log.read_text()  # a requested stop is not a crash


async def test_no_child_outlives_a_killed_supervisor(stack: RunningStack) -> None:
    """SIGKILL cannot be caught: the kernel kills the children with their parent."""
    stack.proc.kill()
    stack.proc.wait(10)
    await wait_for(lambda: _nothing_left(stack), timeout_s=10, interval_s=0.1, what="the children to die")


async def test_a_crashed_child_is_restarted_and_sigterm_then_stops_it(stack: RunningStack) -> None:
    ((service, first, port),) = stack.started()
    assert service == "demand"
    os.kill(first, signal.SIGKILL)

    async def restarted() -> bool:
        return len(stack.started()) == 2 and await _serving(port)

    await wait_for(restarted, timeout_s=60, interval_s=0.2, what="the demand service to be restarted")
    log = stack.log.read_text()
    assert f"itp stack: demand (pid {first}) was killed by SIGKILL; restarting in 0.5 s (restart 1)" in log
    (_, second, second_port) = stack.started()[1]
    assert (second != first, second_port) == (True, port)
    assert not _alive(first)
    assert stack.proc.poll() is None  # the supervisor (and whatever else it runs) kept running

    await _stopped_by(stack, signal.SIGTERM)  # the restarted child goes too


async def _exited(proc: subprocess.Popen[bytes]) -> bool:
    return proc.poll() is not None
