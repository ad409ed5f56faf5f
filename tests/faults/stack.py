"""The multi-process stack the fault suite runs: each service and the gateway an ``itp serve``
process of its own (with its own relay and consumers), on the suite's own PostgreSQL and Kafka.

Processes are started, SIGKILLed and restarted by name; each writes its log to a file, so a
failing run can show what the services said.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from itp.services import DATA_SERVICES
from shared.testing import free_port

ALL = (*DATA_SERVICES, "gateway")


class Stack:
    def __init__(self, *, logs: Path, pg_dsn: str, kafka_bootstrap: str, prefix: str) -> None:
        self.logs = logs
        self.ports = {name: free_port() for name in ALL}
        self.env = {
            **os.environ,
            "ITP_MODE": "kafka",
            "ITP_ENV": "test",
            "ITP_KAFKA_BOOTSTRAP": kafka_bootstrap,
            "ITP_TOPIC_PREFIX": prefix,
            "ITP_PG_DSN": pg_dsn,
            "ITP_DATABASE_URL": f"{pg_dsn}/itp_{{service}}",
            "ITP_API_KEYS_FILE": str(logs / "api-keys.json"),
            "PYTHONUNBUFFERED": "1",
        }
        for name in DATA_SERVICES:
            self.env[f"ITP_{name.upper()}_DATABASE_URL"] = f"{pg_dsn}/itp_{name}"
            self.env[f"ITP_{name.upper()}_URL"] = f"http://127.0.0.1:{self.ports[name]}"
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = dict.fromkeys(ALL, 0)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self, name: str) -> None:
        with open(self.logs / f"{name}.log", "ab") as log:
            log.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n".encode())
            log.flush()
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "itp.cli", "serve", name, "--port", str(self.ports[name])],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self, name: str) -> None:
        """SIGKILL the process (its relay and consumers die with it)."""
        p = self.procs[name]
        os.kill(p.pid, signal.SIGKILL)
        p.wait(10)

    async def restart(self, name: str) -> None:
        self.restarts[name] += 1
        self.start(name)
        await self.wait_ready([name])

    async def wait_ready(self, names: list[str] | tuple[str, ...] = ALL, timeout_s: float = 240.0) -> None:
        deadline = time.monotonic() + timeout_s
        pending = list(names)
        async with httpx.AsyncClient(timeout=3) as probe:
            while pending:
                name = pending[0]
                if self.procs[name].poll() is not None:
                    raise AssertionError(f"{name} exited with {self.procs[name].returncode}:\n{self.tail(name)}")
                try:
                    r = await probe.get(self.url(name) + "/readyz")
                    if r.status_code == 200:
                        pending.pop(0)
                        continue
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{name} not ready after {timeout_s:.0f} s:\n{self.tail(name)}")
                await asyncio.sleep(0.2)

    def tail(self, name: str, lines: int = 40) -> str:
        try:
            text = (self.logs / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop_all(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
