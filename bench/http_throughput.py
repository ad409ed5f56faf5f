"""HTTP throughput against in-run baselines: create-demand through the gateway, and one gateway hop.

a. ``POST /api/v1/demands`` through the gateway (validation, idempotency check, unit of work,
   outbox, relay, everything) against the bare endpoint of ``bench/bare_app.py`` (raw ASGI +
   asyncpg, one ``WITH ... INSERT`` of the same demand row and one outbox row) on a clone of
   the same schema. Target: at least 0.40 of the bare throughput.
b. ``GET /api/v1/enterprises/{id}`` through the gateway (a plain proxied route) against the same
   GET straight to the demand service. Target: at least 0.50 of the direct throughput.

Each server is one uvicorn worker process (uvloop + httptools) on fresh databases; wrk runs
with one thread and 32 connections. Every round runs a baseline and its subject back to back
(alternating which goes first), so the ratio of the round is taken under the same noise; the
figures printed are medians over the rounds. The machine is shared by wrk, the servers,
PostgreSQL and Kafka: only the ratios travel to another machine.

    .venv/bin/python -m bench.http_throughput            # 5 rounds of 10 s per measurement
    .venv/bin/python -m bench.http_throughput --quick    # 1 round of 3 s: a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench.harness import (
    BENCH,
    NO_RATE_LIMIT,
    CpuMeter,
    Stack,
    WrkResult,
    cpu_line,
    create_topics,
    delete_topics,
    machine_info,
    median,
    pg_sessions,
    pg_version,
    print_header,
    raw_dsn,
    record_profile,
    run_wrk,
    summarize_profile,
    wait_ready,
    wrk_command,
)
from shared.testing import auth_headers, unique
from tests.e2e.slice import demand_body, new_credit_code

CREATE_TARGET = 0.40
HOP_TARGET = 0.50
ENTERPRISE = {
    "name_zh": "苏州新能动力科技有限公司",
    "province": "江苏",
    "city": "苏州",
    "industry_code": "C38",
    "size": "large",
    "contacts": [{"name": "李工"}],
}


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    authorization: str | None = None
    post_body: Path | None = None
    database: str = ""  # the database the server behind ``url`` writes to


@dataclass
class Comparison:
    name: str
    baseline: Target
    subject: Target
    target_ratio: float
    rounds: list[tuple[Run, Run]]

    def summary(self) -> dict[str, Any]:
        base = [b.wrk for b, _ in self.rounds]
        subj = [s.wrk for _, s in self.rounds]
        ratios = [s.wrk.rps / b.wrk.rps for b, s in self.rounds]

        def med(results: list[WrkResult]) -> dict[str, float]:
            return {
                "rps": median([r.rps for r in results]),
                "p50_ms": median([r.p50_ms for r in results]),
                "p99_ms": median([r.p99_ms for r in results]),
            }

        return {
            "name": self.name,
            "baseline": {"label": self.baseline.label, **med(base)},
            "subject": {"label": self.subject.label, **med(subj)},
            "ratio_median": median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "ratios": ratios,
            "target": self.target_ratio,
            "met": median(ratios) >= self.target_ratio,
            "errors": sum(b.wrk.errors + s.wrk.errors for b, s in self.rounds),
            "new_sessions_per_run": {
                "baseline": median([b.new_sessions for b, _ in self.rounds]),
                "subject": median([s.new_sessions for _, s in self.rounds]),
            },
            "cpu_ms_per_request": {
                "baseline": _median_dicts([b.cpu_ms_per_request() for b, _ in self.rounds]),
                "subject": _median_dicts([s.cpu_ms_per_request() for _, s in self.rounds]),
            },
        }


@dataclass(frozen=True)
class Run:
    wrk: WrkResult
    new_sessions: int  # PostgreSQL sessions opened during the run (pool churn)
    cpu_s: dict[str, float]  # CPU seconds during the run, by component
    other_s: dict[str, float]  # the "other" component by command name

    def cpu_ms_per_request(self) -> dict[str, float]:
        return {k: 1000 * v / max(1, self.wrk.requests) for k, v in self.cpu_s.items()}


PIDS: dict[str, int] = {}  # the servers whose CPU time is accounted by name


def _median_dicts(dicts: list[dict[str, float]]) -> dict[str, float]:
    keys = {k for d in dicts for k in d}
    return {k: round(median([d.get(k, 0.0) for d in dicts]), 3) for k in sorted(keys)}


async def measure(target: Target, duration_s: float) -> Run:
    before = await pg_sessions(target.database)
    meter = CpuMeter(PIDS)
    env = {"BENCH_BODY_FILE": str(target.post_body or ""), "BENCH_AUTHORIZATION": target.authorization or ""}
    cmd = wrk_command(target.url, duration_s=duration_s, script=BENCH / "request.lua")
    meter.start()
    result = await run_wrk(cmd, duration_s=duration_s, env=env)
    cpu = meter.stop()
    if result.errors:
        print(f"  !! {target.label}: {result.non_2xx} non-2xx, {result.socket_errors} socket errors", flush=True)
    # The statistics collector publishes a session count within about a second.
    await asyncio.sleep(1.0)
    return Run(result, await pg_sessions(target.database) - before, cpu, meter.other)


def line(label: str, run: Run) -> str:
    r = run.wrk
    return (
        f"{label:<40} {r.rps:9.1f} req/s   p50 {r.p50_ms:7.2f} ms   p99 {r.p99_ms:7.2f} ms"
        f"   ({r.requests} requests, {run.new_sessions} new DB sessions)\n"
        f"        {cpu_line(run.cpu_s, r.requests, 'request', run.other_s)}"
    )


async def check_once(http: aiohttp.ClientSession, target: Target, expect: int) -> None:
    """One request before wrk: a benchmark of error responses measures nothing."""
    headers = {"authorization": target.authorization} if target.authorization else {}
    if target.post_body:
        data = target.post_body.read_bytes()
        headers["content-type"] = "application/json"
        async with http.post(target.url, data=data, headers=headers) as r:
            text = await r.text()
            status = r.status
    else:
        async with http.get(target.url, headers=headers) as r:
            text = await r.text()
            status = r.status
    if status != expect:
        raise RuntimeError(f"{target.label}: {target.url} answered {status}, expected {expect}: {text[:500]}")


async def copy_enterprise(src_url: str, dst_url: str, enterprise_id: str) -> None:
    """The bare database gets the same enterprise row, so the demand's foreign key holds there too."""
    src = await asyncpg.connect(raw_dsn(src_url))
    dst = await asyncpg.connect(raw_dsn(dst_url))
    try:
        row = await src.fetchrow("SELECT * FROM enterprises WHERE id = $1::uuid", enterprise_id)
        assert row is not None
        cols = list(row.keys())
        placeholders = ", ".join(f"${i + 1}" for i in range(len(cols)))
        await dst.execute(
            f"INSERT INTO enterprises ({', '.join(cols)}) VALUES ({placeholders})", *[row[c] for c in cols]
        )
    finally:
        await src.close()
        await dst.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    duration = 3.0 if args.quick else args.duration
    rounds = 1 if args.quick else args.rounds
    warmup = 1.0 if args.quick else args.warmup
    info = machine_info("bench.http_throughput", await pg_version())
    print_header(
        "HTTP throughput (wrk -t1 -c32)",
        info,
        {"rounds": rounds, "seconds per measurement": duration, "warm-up seconds": warmup},
    )
    # Topics and consumer groups of this run only: the events it publishes leave no backlog behind.
    prefix = unique("itpbench")
    names = await create_topics(prefix)
    stack = Stack(services=["demand"], gateway=True, env_overrides={**NO_RATE_LIMIT, "ITP_TOPIC_PREFIX": prefix})
    try:
        comparisons = await _measure_all(args, stack, duration, rounds, warmup)
    finally:
        await delete_topics(names)
    results = {
        "machine": info,
        "settings": {"rounds": rounds, "duration_s": duration, "warmup_s": warmup, "connections": 32, "threads": 1},
        "comparisons": [c.summary() for c in comparisons],
        "raw": {c.name: [[asdict(b), asdict(s)] for b, s in c.rounds] for c in comparisons},
    }
    report(results)
    if args.profile:
        print(f"\nprofiles (py-spy collapsed stacks) written to {args.profile_dir}")
    return results


async def _measure_all(
    args: argparse.Namespace, stack: Stack, duration: float, rounds: int, warmup: float
) -> list[Comparison]:
    profile: list[str] = args.profile
    profile_dir: Path = args.profile_dir
    async with stack:
        bare_url = await stack.extra_database("demand", "bare")
        bare_db = stack.databases["bare"]
        bare = stack.add_process(
            "bare",
            [sys.executable, "-m", "bench.bare_app", "--database-url", bare_url, "--pool-size", str(args.pool_size)],
        )
        await wait_ready([bare])
        PIDS.update({name: srv.proc.pid for name, srv in stack.servers.items()})
        gateway, demand = stack.url("gateway"), stack.url("demand")
        demand_db = stack.databases["demand"]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            body = {**ENTERPRISE, "credit_code": new_credit_code()}
            async with http.post(gateway + "/api/v1/enterprises", json=body, headers=auth_headers("admin")) as r:
                assert r.status == 201, await r.text()
                enterprise_id = (await r.json())["id"]
            await copy_enterprise(stack.database_urls["demand"], bare_url, enterprise_id)
            # The caller is the enterprise's own user, as a portal would send it.
            user = auth_headers("enterprise_user", enterprise_id=enterprise_id)["Authorization"]
            hop, short = f"enterprises/{enterprise_id}", "enterprises/{id}"
            body_file = stack.logdir / "demand.json"
            body_file.write_text(json.dumps(demand_body(enterprise_id), ensure_ascii=False))
            comparisons = [
                Comparison(
                    "create demand",
                    Target("bare asyncpg endpoint (baseline)", bare.url + "/api/v1/demands", user, body_file, bare_db),
                    Target("POST /api/v1/demands via gateway", gateway + "/api/v1/demands", user, body_file, demand_db),
                    CREATE_TARGET,
                    [],
                ),
                Comparison(
                    "gateway hop",
                    Target(f"GET {short} direct (baseline)", f"{demand}/api/v1/{hop}", user, None, demand_db),
                    Target(f"GET {short} via gateway", f"{gateway}/api/v1/{hop}", user, None, demand_db),
                    HOP_TARGET,
                    [],
                ),
            ]
            for c in comparisons:
                for t in (c.baseline, c.subject):
                    await check_once(http, t, 201 if t.post_body else 200)
        for c in comparisons:
            for t in (c.baseline, c.subject):
                await measure(t, warmup)
        await stack.wait_published("demand")
        if profile:
            print("-- profiling round (py-spy takes CPU too: its figures are not counted)", flush=True)
            for c in comparisons:
                for t in (c.baseline, c.subject):
                    slug = c.name.replace(" ", "-") + ("-baseline" if t is c.baseline else "-subject")
                    spies = []
                    for name in profile:
                        out = profile_dir / f"{name}.{slug}.txt"
                        spies.append((out, await record_profile(stack.servers[name], out, duration - 1)))
                    print("   ", line(t.label, await measure(t, duration)), flush=True)
                    for out, spy in spies:
                        await spy.wait()
                        print(summarize_profile(out), flush=True)
                    await stack.wait_published("demand")
        for i in range(rounds):
            print(f"-- round {i + 1}/{rounds}", flush=True)
            for c in comparisons:
                pair = (c.baseline, c.subject) if i % 2 == 0 else (c.subject, c.baseline)
                got: dict[str, Run] = {}
                for t in pair:
                    got[t.label] = await measure(t, duration)
                    if t.post_body and t is c.subject:
                        # The relay publishes what the run wrote before anything else is measured.
                        lag_s = await stack.wait_published("demand")
                        if lag_s > 0.5:
                            print(f"  (outbox drained {lag_s:.1f} s after the run)", flush=True)
                b, s = got[c.baseline.label], got[c.subject.label]
                c.rounds.append((b, s))
                print(f"  {c.name}: ratio {s.wrk.rps / b.wrk.rps:.3f}", flush=True)
                print("   ", line(c.baseline.label, b), flush=True)
                print("   ", line(c.subject.label, s), flush=True)
    return comparisons


def report(results: dict[str, Any]) -> None:
    n = results["settings"]["rounds"]
    print(f"\n== medians of {n} round(s)")
    print("| measurement | req/s | p50 ms | p99 ms | ratio (median, min-max) | target |")
    print("|---|---:|---:|---:|---|---|")
    for c in results["comparisons"]:
        for side in ("baseline", "subject"):
            r = c[side]
            ratio = ""
            if side == "subject":
                verdict = "met" if c["met"] else "MISSED"
                ratio = f"**{c['ratio_median']:.3f}** ({c['ratio_min']:.3f}-{c['ratio_max']:.3f})"
                target = f">= {c['target']:.2f}: {verdict}"
            else:
                target = ""
            print(f"| {r['label']} | {r['rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {ratio} | {target} |")
    print("\nCPU milliseconds per request, by component (median of the rounds):")
    for c in results["comparisons"]:
        for side in ("baseline", "subject"):
            cpu = c["cpu_ms_per_request"][side]
            parts = ", ".join(f"{k} {v:.2f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]))
            print(f"  {c[side]['label']}: {parts}")
        s = c["new_sessions_per_run"]
        print(f"  new PostgreSQL sessions per run: baseline {s['baseline']:.0f}, subject {s['subject']:.0f}")
    errors = sum(c["errors"] for c in results["comparisons"])
    if errors:
        print(f"\n!! {errors} error responses or socket errors during the runs: the figures are suspect")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="one round of 3 s: a smoke run")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of wrk per target before the rounds")
    p.add_argument("--pool-size", type=int, default=10, help="the bare app's pool (the services' default)")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument(
        "--profile",
        help="comma-separated servers (gateway, demand, bare) to sample with py-spy in round 1; "
        "py-spy is not a project dependency: install it into the venv yourself",
    )
    p.add_argument("--profile-dir", default="bench-profiles")
    args = p.parse_args(argv)
    args.profile = [s for s in (args.profile or "").split(",") if s]
    args.profile_dir = Path(args.profile_dir).resolve()
    if args.profile:
        args.profile_dir.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(run(args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    errors = sum(c["errors"] for c in results["comparisons"])
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
