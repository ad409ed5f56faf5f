"""What the benchmarks share: services as subprocesses on fresh databases, wrk, Kafka lag, statistics.

Every server is started here as its own process (a single uvicorn worker with uvloop and
httptools, as ``itp serve`` runs it), on databases cloned from a migrated template, and is
stopped, and its database dropped, on the way out, also when a run fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from itp.services import DATA_SERVICES, definition
from shared.bus.kafka import KafkaBus
from shared.events import topics
from shared.testing import (
    auth_headers,
    create_database,
    drop_database,
    drop_templates,
    free_port,
    kafka_bootstrap,
    migrated_template,
    pg_dsn,
    unique,
)

REPO = Path(__file__).resolve().parent.parent
# The gateway's per-caller rate limit is a policy, not a capacity: wrk is one caller.
NO_RATE_LIMIT = {"ITP_RATE_LIMIT_PER_MINUTE": "1000000000", "ITP_RATE_LIMIT_BURST": "1000000"}
BENCH = REPO / "bench"


def raw_dsn(sqlalchemy_url: str) -> str:
    """An asyncpg DSN from a SQLAlchemy URL."""
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://")


# -- processes ----------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    ready_path: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_server(name: str, cmd: Sequence[str], env: Mapping[str, str], port: int, logdir: Path, ready: str) -> Server:
    log = logdir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(list(cmd), env=dict(env), stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    return Server(name, port, proc, log, ready)


def stop_server(server: Server, *, timeout_s: float = 15.0) -> None:
    """SIGINT (uvicorn shuts down cleanly), then kill after ``timeout_s``."""
    p = server.proc
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout_s)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


async def wait_ready(servers: Sequence[Server], *, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    pending = list(servers)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        while pending:
            for s in list(pending):
                if s.proc.poll() is not None:
                    raise RuntimeError(f"{s.name} exited with {s.proc.returncode}:\n{s.log_tail()}")
                try:
                    async with http.get(s.url + s.ready_path) as r:
                        if r.status == 200:
                            pending.remove(s)
                except (aiohttp.ClientError, TimeoutError):
                    pass
            if pending:
                if time.monotonic() > deadline:
                    names = ", ".join(s.name for s in pending)
                    raise RuntimeError(f"not ready after {timeout_s}s: {names}\n{pending[0].log_tail()}")
                await asyncio.sleep(0.2)


def service_command(name: str, port: int) -> list[str]:
    """``python -m itp.cli serve <name> --port P``: one uvicorn worker, uvloop and httptools."""
    return [sys.executable, "-m", "itp.cli", "serve", name, "--port", str(port)]


async def record_profile(server: Server, out: Path, duration_s: float) -> asyncio.subprocess.Process:
    """Sample ``server`` with py-spy (not a project dependency) for ``duration_s``; collapsed stacks to ``out``.

    py-spy samples from outside the process, so the server runs at nearly its usual speed
    (an in-process profiler slows a server like this one several times and skews the picture).
    """
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return await asyncio.create_subprocess_exec(
        spy,
        "record",
        "--pid",
        str(server.proc.pid),
        "--duration",
        str(max(1, int(duration_s))),
        "--rate",
        "250",
        "--nonblocking",
        "--function",
        "--format",
        "raw",
        "--output",
        str(out),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def summarize_profile(path: Path, top: int = 25) -> str:
    """The functions where the samples of a py-spy collapsed-stack file fall, inclusive and self."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for f in set(frames):
            inclusive[f] = inclusive.get(f, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    if not total:
        return f"{path.name}: no samples"
    lines = [f"{path.name}: {total} samples", "  inclusive:"]
    for f, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"    {100 * n / total:5.1f}%  {f}")
    lines.append("  self:")
    for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"    {100 * n / total:5.1f}%  {f}")
    return "\n".join(lines)


@dataclass
class Stack:
    """Some services (each with a fresh database) and optionally the gateway, as subprocesses.

    The gateway's URLs of services that are not started point at a port nothing listens on,
    never at a default that might be someone else's stack.
    """

    services: Sequence[str]
    gateway: bool = True
    env_overrides: Mapping[str, str] = field(default_factory=dict)
    logdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="itp-bench-")))
    servers: dict[str, Server] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    database_urls: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return self.servers[name].url

    async def extra_database(self, service: str, label: str) -> str:
        """Another fresh clone of ``service``'s migrated database, dropped with the stack."""
        db = unique(f"itp_bench_{label}")
        url = await create_database(db, template=await migrated_template(service, definition(service).migrations))
        self.databases[label] = db
        return url

    async def __aenter__(self) -> Stack:
        try:
            await self._start()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def _start(self) -> None:
        env = {**os.environ, "ITP_MODE": "kafka", "ITP_ENV": "test", "ITP_KAFKA_BOOTSTRAP": kafka_bootstrap()}
        env.update(self.env_overrides)
        self.ports = {name: free_port() for name in DATA_SERVICES}
        for name in DATA_SERVICES:
            env[f"ITP_{name.upper()}_URL"] = f"http://127.0.0.1:{self.ports[name]}"
        self.env = env
        started = [await self._launch(name) for name in self.services]
        if self.gateway:
            self.ports["gateway"] = free_port()
            started.append(await self._launch("gateway"))
        await wait_ready(started)

    async def _launch(self, name: str) -> Server:
        if name != "gateway":
            self.database_urls[name] = await self.extra_database(name, name)
            self.env[f"ITP_{name.upper()}_DATABASE_URL"] = self.database_urls[name]
        cmd = service_command(name, self.ports[name])
        ready = "/healthz" if name == "gateway" else "/readyz"
        self.servers[name] = start_server(name, cmd, self.env, self.ports[name], self.logdir, ready)
        return self.servers[name]

    def add_process(self, name: str, cmd: Sequence[str], *, ready: str = "/healthz") -> Server:
        """Start another server (stopped with the stack); wait for it with ``wait_ready``."""
        port = free_port()
        self.servers[name] = start_server(name, [*cmd, "--port", str(port)], self.env, port, self.logdir, ready)
        return self.servers[name]

    async def unpublished(self, service: str) -> int:
        """Outbox rows of ``service`` not yet published by its relay."""
        conn = await asyncpg.connect(raw_dsn(self.database_urls[service]))
        try:
            return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        finally:
            await conn.close()

    async def wait_published(self, service: str, *, timeout_s: float = 300.0) -> float:
        """Wait until the relay of ``service`` has published its whole outbox; returns the seconds waited."""
        t0 = time.monotonic()
        while await self.unpublished(service):
            if time.monotonic() - t0 > timeout_s:
                raise RuntimeError(f"the {service} relay left rows unpublished after {timeout_s:.0f}s")
            await asyncio.sleep(0.2)
        return time.monotonic() - t0

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # The gateway first, so nothing calls a service that is already gone.
        for name in sorted(self.servers, key=lambda n: n != "gateway"):
            await asyncio.to_thread(stop_server, self.servers[name])
        for db in self.databases.values():
            with contextlib.suppress(Exception):
                await drop_database(db)
        with contextlib.suppress(Exception):
            await drop_templates()
        if exc_type is None:
            shutil.rmtree(self.logdir, ignore_errors=True)
        else:
            print(f"server logs kept in {self.logdir}", file=sys.stderr)


async def pg_sessions(database: str) -> int:
    """Sessions ever opened to ``database`` (pg_stat_database): a pool that churns shows here."""
    conn = await asyncpg.connect(raw_dsn(pg_dsn()) + "/postgres")
    try:
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        return int(await conn.fetchval("SELECT sessions FROM pg_stat_database WHERE datname = $1", database) or 0)
    finally:
        await conn.close()


# -- CPU accounting -------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat() -> dict[int, tuple[str, float, float]]:
    """pid -> (command, own CPU seconds, CPU seconds of its reaped children)."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            raw = (d / "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        f = raw[raw.rindex(")") + 2 :].split()
        # Fields 14-17 of stat(5): utime, stime, cutime, cstime (here shifted by the two before).
        out[int(d.name)] = (comm, (int(f[11]) + int(f[12])) / _TICK, (int(f[13]) + int(f[14])) / _TICK)
    return out


@dataclass
class CpuMeter:
    """CPU seconds spent between ``start`` and ``stop``, by server, PostgreSQL, Kafka, this process, the rest.

    PostgreSQL backends that exit meanwhile (a pool that churns) are counted through the
    postmaster's reaped-children time; wrk and other short children of this process land in
    "wrk/children". "other" is everything else on the machine: other people's work shows there.
    """

    servers: Mapping[str, int]
    _before: dict[int, tuple[str, float, float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    other: dict[str, float] = field(default_factory=dict)  # "other" by command name

    def _group(self, pid: int, comm: str) -> str:
        for name, spid in self.servers.items():
            if pid == spid:
                return name
        if comm.startswith("postgres"):
            return "postgresql"
        if comm == "java":
            return "kafka (all brokers)"
        if pid == os.getpid():
            return "bench process"
        return "other"

    def start(self) -> None:
        self._before = _proc_stat()

    def stop(self) -> dict[str, float]:
        after = _proc_stat()
        totals: dict[str, float] = {}
        for pid, (comm, own, children) in after.items():
            b_own, b_children = (self._before[pid][1], self._before[pid][2]) if pid in self._before else (0.0, 0.0)
            group = self._group(pid, comm)
            totals[group] = totals.get(group, 0.0) + own - b_own
            if group == "other" and own + children - b_own - b_children > 0:
                self.other[comm] = self.other.get(comm, 0.0) + own + children - b_own - b_children
            child_group = "wrk/children" if group == "bench process" else group
            totals[child_group] = totals.get(child_group, 0.0) + children - b_children
        self.seconds = {k: v for k, v in totals.items() if v > 0.0}
        return self.seconds


def cpu_line(seconds: Mapping[str, float], per: int, unit: str, other: Mapping[str, float] | None = None) -> str:
    """CPU milliseconds per request (or per demand) by component; what "other" was, when it weighs."""
    if not per:
        return ""
    parts = [f"{k} {1000 * v / per:.2f}" for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])]
    text = f"CPU ms per {unit}: " + ", ".join(parts)
    if other and sum(other.values()) > 0.2 * sum(seconds.values()):
        top = sorted(other.items(), key=lambda kv: -kv[1])[:4]
        text += "  [other: " + ", ".join(f"{k} {v:.1f} s" for k, v in top) + "]"
    return text


# -- wrk ------------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * _UNIT_MS[m.group(2)]


@dataclass(frozen=True)
class WrkResult:
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def parse_wrk(out: str) -> WrkResult:
    pct = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", out, re.M))
    total = re.search(r"^\s+(\d+) requests in", out, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    if not (total and rps and len(pct) == 3):
        raise ValueError(f"unexpected wrk output:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(
        requests=int(total.group(1)),
        rps=float(rps.group(1)),
        p50_ms=_ms(pct["50"]),
        p90_ms=_ms(pct["90"]),
        p99_ms=_ms(pct["99"]),
        non_2xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=sum(int(x) for x in sock.groups()) if sock else 0,
    )


def wrk_command(
    url: str, *, duration_s: float, connections: int = 32, threads: int = 1, script: Path | None = None
) -> list[str]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s:g}s", "--timeout", "10s", "--latency"]
    if script is not None:
        cmd += ["-s", str(script)]
    return [*cmd, url]


async def run_wrk(cmd: Sequence[str], *, duration_s: float, env: Mapping[str, str] | None = None) -> WrkResult:
    if not url_is_local(cmd[-1]):
        raise ValueError(f"benchmarks only send traffic to 127.0.0.1, not {cmd[-1]}")
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), duration_s + 60)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {err.decode()}")
    return parse_wrk(out.decode())


def url_is_local(url: str) -> bool:
    return url.startswith("http://127.0.0.1:")


# -- Kafka ----------------------------------------------------------------------------------


async def partitions(admin: AIOKafkaAdminClient, topic_names: Sequence[str]) -> list[TopicPartition]:
    tps = []
    for t in await admin.describe_topics(list(topic_names)):
        if t["error_code"] != 0 or not t["partitions"]:
            raise RuntimeError(f"topic {t['topic']} is not available (run `itp topics create`)")
        tps += [TopicPartition(t["topic"], p["partition"]) for p in t["partitions"]]
    return tps


async def _offsets(
    groups: Mapping[str, Sequence[str]],
) -> tuple[dict[str, dict[TopicPartition, int]], dict[str, dict[TopicPartition, int]], dict[str, int]]:
    """Per group: committed offsets, end offsets, and how many members the group has now."""
    bootstrap = kafka_bootstrap()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, isolation_level="read_committed")
    await admin.start()
    await consumer.start()
    try:
        committed: dict[str, dict[TopicPartition, int]] = {}
        ends: dict[str, dict[TopicPartition, int]] = {}
        members: dict[str, int] = {}
        for group, topic_names in groups.items():
            offsets = await admin.list_consumer_group_offsets(group)
            tps = await partitions(admin, topic_names)
            end = await consumer.end_offsets(tps)
            begin = await consumer.beginning_offsets(tps)
            committed[group] = {
                tp: offsets[tp].offset if tp in offsets and offsets[tp].offset >= 0 else begin[tp] for tp in tps
            }
            ends[group] = dict(end)
            # DescribeGroups v0-v2 answer (error_code, group, state, protocol_type, protocol, members).
            described = await admin.describe_consumer_groups([group])
            members[group] = sum(len(g[5]) for resp in described for g in resp.groups)
        return committed, ends, members
    finally:
        await consumer.stop()
        await admin.close()


async def group_lag(groups: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Unconsumed records per consumer group over its topics (end offset minus committed offset)."""
    committed, ends, _ = await _offsets(groups)
    return {g: sum(max(0, ends[g][tp] - committed[g][tp]) for tp in ends[g]) for g in groups}


async def group_members(groups: Mapping[str, Sequence[str]]) -> dict[str, int]:
    return (await _offsets(groups))[2]


async def wait_for_lag(
    groups: Mapping[str, Sequence[str]], *, timeout_s: float, what: str, interval_s: float = 1.0
) -> float:
    """Wait (bounded) until every group has consumed what was on its topics when the wait began;
    returns the seconds waited. Records published meanwhile (by anyone) are not waited for."""
    t0 = time.monotonic()
    last_report = t0
    _, targets, _ = await _offsets(groups)
    while True:
        committed, _, _ = await _offsets(groups)
        left = {g: sum(max(0, targets[g][tp] - committed[g][tp]) for tp in targets[g]) for g in groups}
        if not any(left.values()):
            return time.monotonic() - t0
        now = time.monotonic()
        if now - t0 > timeout_s:
            raise RuntimeError(f"{what}: still {left} records to consume after {timeout_s:.0f}s")
        if now - last_report >= 15:
            print(f"  ... {what}: {left} records to go", flush=True)
            last_report = now
        await asyncio.sleep(interval_s)


# -- statistics and reporting ---------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    k = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[k - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


async def pg_version() -> str:
    try:
        conn = await asyncpg.connect(raw_dsn(pg_dsn()) + "/postgres")
    except (OSError, asyncpg.PostgresError) as exc:
        return f"unreachable ({type(exc).__name__})"
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def _run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    return proc.stdout or proc.stderr


def machine_info(module: str, postgresql: str) -> dict[str, str]:
    """What the figures were measured on, and the exact command."""
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    wrk = _run(["wrk", "--version"]).splitlines()[0].split(" [")[0] if shutil.which("wrk") else "not installed"
    changed = [ln[3:] for ln in _run(["git", "status", "--porcelain", "--untracked-files=no"]).splitlines()]
    code = _run(["git", "rev-parse", "--short", "HEAD"]).strip()
    if changed:
        code += f" + uncommitted changes to {', '.join(changed)}"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code,
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs",
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgresql,
        "wrk": wrk,
        "command": " ".join([".venv/bin/python", "-m", module, *sys.argv[1:]]),
    }


def print_header(title: str, info: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
    print(f"== {title}")
    for k, v in {**info, **settings}.items():
        print(f"  {k}: {v}")
    print(flush=True)


async def create_topics(prefix: str) -> list[str]:
    """The topics (and DLQ twins) of an installation with ``ITP_TOPIC_PREFIX=prefix``: a run of its own."""
    names = [t for base in topics.for_prefix(prefix).values() for t in (base, topics.dlq(base))]
    await KafkaBus(kafka_bootstrap()).ensure_topics(names, 3)
    return names


async def delete_topics(names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap(), request_timeout_ms=15000)
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def dashboard_arrivals(http: aiohttp.ClientSession, base: str, types: str) -> AsyncIterator[dict[str, float]]:
    """While the block runs, when each subject's first event of ``types`` came down the dashboard's
    live stream (``base``: the gateway), as an operator sees it; the stream is open on entry."""
    arrivals: dict[str, float] = {}
    connected = asyncio.Event()

    async def listen() -> None:
        params, headers = {"types": types}, auth_headers("operator")
        async with http.get(base + "/api/v1/dashboard/events", params=params, headers=headers, timeout=None) as r:
            assert r.status == 200, await r.text()
            async for line in r.content:
                if line.startswith(b": connected"):
                    connected.set()
                elif line.startswith(b"data:"):
                    arrivals.setdefault(orjson.loads(line[5:])["subject"], time.monotonic())

    task = asyncio.create_task(listen())
    try:
        await asyncio.wait_for(connected.wait(), 30)
        yield arrivals
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def embedded_platform(*, timeout_s: float = 120.0) -> AsyncIterator[str]:
    """``itp embedded`` (one process, SQLite, the in-process bus: what ``./dev run`` starts, without
    the demo record) on a fresh data directory, without rate limits; yields its base URL."""
    data = Path(tempfile.mkdtemp(prefix="itp-bench-embedded-"))
    env = {**os.environ, "ITP_ENV": "development", "ITP_DATABASE_URL": f"sqlite+aiosqlite:///{data}/{{service}}.db"}
    env.pop("ITP_MODE", None)
    env.update(NO_RATE_LIMIT)
    itp = [sys.executable, "-m", "itp.cli"]
    migrate = await asyncio.create_subprocess_exec(*itp, "migrate", "all", env=env, cwd=REPO, stdout=subprocess.DEVNULL)
    if await migrate.wait() != 0:
        raise SystemExit("itp migrate all failed")
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        *itp, "embedded", "--data-dir", str(data), "--port", str(port), env=env, cwd=REPO, stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(timeout_s):
            while b"is up" not in await proc.stdout.readline():
                if proc.returncode is not None:
                    raise SystemExit(f"the embedded platform exited with {proc.returncode}")
        # Keep reading what it prints, or a full pipe would stop it.
        drain = asyncio.create_task(proc.stdout.read())
        yield f"http://127.0.0.1:{port}"
        drain.cancel()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        shutil.rmtree(data, ignore_errors=True)
