"""The fault suite's own PostgreSQL cluster and Kafka broker, on free ports in a temporary folder.

Started with the project's own scripts (``deploy/local/postgres.sh`` and ``kafka.sh``, pointed at
the folder and ports by ``ITP_INFRA_DIR``, ``ITP_PG_PORT``, ``ITP_KAFKA_PORT`` and
``ITP_KAFKA_CONTROLLER_PORT``, ``ITP_KAFKA_SASL_PORT``), so that stopping, restarting or freezing them touches nothing
another test run uses. Every signal goes to a PID this suite started (read from the cluster's own
``postmaster.pid`` or the broker's pid file, checked against the process's command line).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
from pathlib import Path

from shared.testing import free_port

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "deploy" / "local"


class ScriptError(RuntimeError):
    pass


async def run(*argv: str, env: dict[str, str], timeout_s: float = 120.0) -> str:
    """Run a command; its stdout, or ScriptError with its output."""
    proc = await asyncio.create_subprocess_exec(
        *argv, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout_s)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise ScriptError(f"{' '.join(argv)} did not finish in {timeout_s:.0f} s") from None
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise ScriptError(f"{' '.join(argv)} exited {proc.returncode}:\n{text[-3000:]}")
    return text


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return out


class Postgres:
    """A PostgreSQL cluster of our own (``deploy/local/postgres.sh`` on a free port)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.env = {**os.environ, "ITP_INFRA_DIR": str(root), "ITP_PG_PORT": str(self.port)}
        self.data_dir: Path | None = None

    @property
    def dsn(self) -> str:
        """Server DSN (append ``/<database>``)."""
        return f"postgresql+asyncpg://itp:itp@127.0.0.1:{self.port}"

    async def _script(self, action: str) -> str:
        return await run(str(SCRIPTS / "postgres.sh"), action, env=self.env)

    async def start(self) -> None:
        await self._script("start")
        status = await self._script("status")
        found = re.search(r"data (\S+)", status)
        assert found, status
        self.data_dir = Path(found.group(1))

    def pid(self) -> int:
        """The postmaster's PID, from our cluster's own postmaster.pid."""
        assert self.data_dir is not None
        pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        assert str(self.data_dir) in _cmdline(pid), f"pid {pid} is not our postmaster"
        return pid

    async def stop(self) -> None:
        await self._script("stop")

    async def restart(self) -> None:
        """What an operator's restart does: a fast shutdown (sessions cut), then a start."""
        await self.stop()
        await self.start()

    async def freeze(self, seconds: float) -> None:
        """SIGSTOP the postmaster and every backend for ``seconds``, then SIGCONT them."""
        postmaster = self.pid()
        os.kill(postmaster, signal.SIGSTOP)  # first: a stopped postmaster forks no new backend
        stopped = [postmaster]
        try:
            for child in _children(postmaster):
                try:
                    os.kill(child, signal.SIGSTOP)
                    stopped.append(child)
                except ProcessLookupError:
                    pass
            await asyncio.sleep(seconds)
        finally:
            for pid in reversed(stopped):
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    pass

    async def remove(self) -> None:
        try:
            await self.stop()
        finally:
            if self.data_dir is not None:
                shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _kafka_libs() -> Path | None:
    """The broker jars that ``./dev test`` (deploy/local/kafka.sh) already resolved, if any."""
    infra = Path(os.environ.get("ITP_INFRA_DIR") or REPO / ".infra")
    libs = infra / "kafka" / "libs"
    return libs if any(libs.glob(".complete-*")) else None


class Kafka:
    """A single-node broker of our own (``deploy/local/kafka.sh`` on free ports)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.env = {
            **os.environ,
            "ITP_INFRA_DIR": str(root),
            "ITP_KAFKA_PORT": str(self.port),
            "ITP_KAFKA_CONTROLLER_PORT": str(free_port()),
            "ITP_KAFKA_SASL_PORT": str(free_port()),
            "ITP_KAFKA_HEAP": "384m",
        }
        libs = _kafka_libs()
        if libs is not None:  # reuse the resolved jars instead of running mvn again
            (root / "kafka").mkdir(parents=True, exist_ok=True)
            (root / "kafka" / "libs").symlink_to(libs, target_is_directory=True)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        await run(str(SCRIPTS / "kafka.sh"), "start", env=self.env, timeout_s=180)

    def pid(self) -> int:
        pid = int((self.root / "kafka" / "kafka.pid").read_text().strip())
        assert str(self.root) in _cmdline(pid), f"pid {pid} is not our broker"
        return pid

    async def stop(self) -> None:
        await run(str(SCRIPTS / "kafka.sh"), "stop", env=self.env)

    async def remove(self) -> None:
        await self.stop()
