"""The composed demand view against one plain gateway hop, measured in the same run (issue 7).

The multi-process stack (gateway, demand, talent, matching, contracts; each its own process,
a single uvicorn worker, on a fresh database, on the real PostgreSQL and Kafka, on topics and
consumer groups of this run only) is seeded with realistic data through the gateway: carriers
of several fields, a project manager, an enterprise and its demands (matching ranks the carriers
for each from the events), a draft contract with milestones for the demand measured (and for some
others), and the demand's assignments (its project manager, its carrier). Then wrk (one thread,
32 connections) measures, in alternating order in every round:

* subject: ``GET /api/v1/demands/{id}`` at the gateway, composed from four concurrent downstream
  calls (the demand, matching's suggestions, the contracts of the demand, talent's assignments);
* baseline: ``GET /api/v1/enterprises/{id}`` at the gateway, one plain hop to the demand service
  (a route served through FastAPI); with ``--hop suggestions``, ``GET /api/v1/demands/{id}/suggestions``,
  one of the four parts on its own (a hot route of matching, ADR 0004): the stricter baseline.

The caller of both is the enterprise's own user (a JWT). Every 200 the wrk script receives is
checked: a composed view that lists a part as ``missing`` (a downstream call over the gateway's
composition deadline) counts as incomplete and is reported, so throughput is never bought with
empty parts. Target: composed req/s >= 0.4 x the plain hop's.

    .venv/bin/python -m bench.compose_ratio            # 5 rounds x 10 s per target, medians
    .venv/bin/python -m bench.compose_ratio --quick    # 1 round x 3 s: a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench.event_latency import carrier_bodies, demand_bodies
from bench.harness import (
    NO_RATE_LIMIT,
    CpuMeter,
    Stack,
    WrkResult,
    cpu_line,
    create_topics,
    delete_topics,
    machine_info,
    median,
    parse_wrk,
    pg_sessions,
    pg_version,
    print_header,
    record_profile,
    summarize_profile,
    url_is_local,
    wrk_command,
)
from shared.testing import token_for, unique
from tests.e2e.slice import new_credit_code

RATIO_TARGET = 0.40
SERVICES = ["demand", "talent", "matching", "contracts"]

# wrk: the caller's token on every request; every 200 must contain BENCH_EXPECT (the composed
# view: no part missing), the others are counted by wrk itself as non-2xx.
WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  incomplete = 0
  expect = os.getenv("BENCH_EXPECT") or ""
  wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
end
function response(status, headers, body)
  if status == 200 and expect ~= "" and not string.find(body, expect, 1, true) then
    incomplete = incomplete + 1
  end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("incomplete") end
  io.write(string.format("incomplete: %d\n", n))
end
"""

ENTERPRISE = {
    "name_zh": "苏州新能动力科技有限公司",
    "province": "江苏",
    "city": "苏州",
    "industry_code": "C38",
    "size": "large",
    "contacts": [{"name": "李工", "email": "li@example.com"}],
}


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    expect: str  # a substring every 200 must carry


@dataclass(frozen=True)
class Run:
    wrk: WrkResult
    incomplete: int  # 200s without the expected content (a composed view with a part missing)
    new_sessions: int  # PostgreSQL sessions opened during the run, over the services' databases
    cpu_s: dict[str, float]
    other_s: dict[str, float]

    def cpu_ms_per_request(self) -> dict[str, float]:
        return {k: 1000 * v / max(1, self.wrk.requests) for k, v in self.cpu_s.items()}


@dataclass
class Bench:
    stack: Stack
    script: Path
    authorization: str

    @property
    def pids(self) -> dict[str, int]:
        return {name: s.proc.pid for name, s in self.stack.servers.items()}

    async def sessions(self) -> int:
        return sum([await pg_sessions(self.stack.databases[s]) for s in SERVICES])

    async def measure(self, target: Target, duration_s: float) -> Run:
        before = await self.sessions()
        meter = CpuMeter(self.pids)
        cmd = wrk_command(target.url, duration_s=duration_s, script=self.script)
        if not url_is_local(cmd[-1]):
            raise ValueError(f"benchmarks only send traffic to 127.0.0.1, not {cmd[-1]}")
        env = {**os.environ, "BENCH_AUTHORIZATION": self.authorization, "BENCH_EXPECT": target.expect}
        meter.start()
        proc = await asyncio.create_subprocess_exec(
            *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), duration_s + 60)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise
        cpu = meter.stop()
        if proc.returncode != 0:
            raise RuntimeError(f"wrk failed ({proc.returncode}): {err.decode()}")
        text = out.decode()
        result = parse_wrk(text)
        m = re.search(r"^incomplete: (\d+)$", text, re.M)
        incomplete = int(m.group(1)) if m else -1
        if result.errors or incomplete:
            print(
                f"  !! {target.label}: {result.non_2xx} non-2xx, {result.socket_errors} socket errors,"
                f" {incomplete} incomplete 200s",
                flush=True,
            )
        await asyncio.sleep(1.0)  # the statistics collector publishes session counts within a second
        return Run(result, incomplete, await self.sessions() - before, cpu, meter.other)


def line(label: str, run: Run) -> str:
    r = run.wrk
    return (
        f"{label:<44} {r.rps:8.1f} req/s   p50 {r.p50_ms:7.2f} ms   p99 {r.p99_ms:7.2f} ms"
        f"   ({r.requests} requests, {run.incomplete} incomplete, {run.new_sessions} new DB sessions)\n"
        f"        {cpu_line(run.cpu_s, r.requests, 'request', run.other_s)}"
    )


# -- seeding ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    enterprise_id: str
    demand_id: str
    view_bytes: int
    enterprise_bytes: int
    suggestions: int
    contracts: int
    people: int
    demands: int
    carriers: int


async def _post(http: aiohttp.ClientSession, url: str, body: Any, headers: Mapping[str, str]) -> dict[str, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    h = {**headers, "content-type": "application/json"}
    async with http.post(url, data=data, headers=h) as r:
        if r.status != 201:
            raise RuntimeError(f"POST {url} answered {r.status}: {(await r.text())[:500]}")
        out: dict[str, Any] = await r.json()
        return out


async def _get(http: aiohttp.ClientSession, url: str, headers: Mapping[str, str]) -> tuple[int, bytes]:
    async with http.get(url, headers=headers) as r:
        return r.status, await r.read()


def contract_body(demand_id: str, enterprise_id: str, carrier_id: str, pm_id: str, title: str) -> dict[str, Any]:
    today = date.today()
    return {
        "match_id": str(uuid.uuid4()),
        "demand_id": demand_id,
        "enterprise_id": enterprise_id,
        "carrier_id": carrier_id,
        "project_manager_id": pm_id,
        "contract_type": "technology_development",
        "title": title,
        "scope": "按需求书完成研发、样机试制与第三方测试，并提交技术报告与知识产权清单。",
        "value": "2500000.00",
        "starts_on": (today + timedelta(days=14)).isoformat(),
        "ends_on": (today + timedelta(days=380)).isoformat(),
        "ip_ownership": "joint",
        "ip_enterprise_share": "60",
        "ip_carrier_share": "40",
        "confidentiality": "confidential",
        "confidentiality_years": 5,
        "milestones": [
            {
                "title": "方案设计与材料筛选",
                "deliverables": "技术方案、材料筛选报告",
                "due_on": (today + timedelta(days=120)).isoformat(),
                "amount": "1000000.00",
            },
            {
                "title": "样机与第三方测试",
                "deliverables": "样机五套、第三方测试报告",
                "due_on": (today + timedelta(days=360)).isoformat(),
                "amount": "1500000.00",
            },
        ],
    }


async def seed(http: aiohttp.ClientSession, gateway: str, n_carriers: int, n_demands: int) -> tuple[Seeded, str]:
    """Seed through the gateway; returns what was seeded and the enterprise user's Authorization."""
    api = gateway + "/api/v1"
    staff = {"Authorization": f"Bearer {token_for('operator', subject='bench-operator')}"}
    carriers = [(await _post(http, api + "/carriers", b, staff))["id"] for b in carrier_bodies(n_carriers)]
    pm = await _post(
        http,
        api + "/people",
        {"name": "周建国", "title": "高级项目经理", "roles": ["project_manager"], "university": "东南大学"},
        staff,
    )
    enterprise = await _post(http, api + "/enterprises", {**ENTERPRISE, "credit_code": new_credit_code()}, staff)
    enterprise_id = enterprise["id"]
    user = f"Bearer {token_for('enterprise_user', subject='bench-enterprise-user', enterprise_id=enterprise_id)}"
    caller = {"Authorization": user}
    bodies = demand_bodies(enterprise_id)
    demands = [await _post(http, api + "/demands", bodies[i % len(bodies)], caller) for i in range(n_demands)]

    async def suggested(demand_id: str) -> list[dict[str, Any]]:
        """The demand's suggestions once matching has ranked it (bounded wait)."""
        deadline = time.monotonic() + 60
        while True:
            status, raw = await _get(http, f"{api}/demands/{demand_id}/suggestions", caller)
            if status == 200:
                body = json.loads(raw)
                if body.get("suggestion_set_id") and body["carriers"]:
                    return list(body["carriers"])
            elif status not in (202, 404):  # 202: the gateway says matching has not ranked it yet
                raise RuntimeError(f"suggestions of {demand_id}: {status} {raw[:300]!r}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no suggestions for demand {demand_id} within 60 s (is matching consuming?)")
            await asyncio.sleep(0.2)

    # A draft contract for every third demand (the measured one first) with its best carrier.
    n_contracts = 0
    for d in demands[::3]:
        best = (await suggested(d["id"]))[0]["carrier_id"]
        await _post(http, api + "/contracts", contract_body(d["id"], enterprise_id, best, pm["id"], d["title"]), staff)
        n_contracts += 1
    target = demands[0]["id"]
    suggestions = await suggested(target)
    await _post(
        http,
        api + "/assignments",
        {"target_type": "demand", "target_id": target, "person_id": pm["id"], "role": "project_manager"},
        staff,
    )
    for s in suggestions:  # the best carrier with capacity left
        body = {"target_type": "demand", "target_id": target, "carrier_id": s["carrier_id"], "role": "lead_carrier"}
        async with http.post(api + "/assignments", json=body, headers=staff) as r:
            if r.status == 201:
                break
            if r.status != 409:
                raise RuntimeError(f"carrier assignment answered {r.status}: {(await r.text())[:300]}")
    status, raw = await _get(http, f"{api}/demands/{target}", caller)
    view = json.loads(raw)
    # The enterprise sees no assignments (talent shows them to staff and the carrier concerned only).
    if status != 200 or view["missing"] or not view["suggestions"] or not view["contract"]:
        raise RuntimeError(f"the composed view is not complete after seeding: {status} {raw[:800]!r}")
    status, ent = await _get(http, f"{api}/enterprises/{enterprise_id}", caller)
    if status != 200:
        raise RuntimeError(f"GET enterprise answered {status}: {ent[:300]!r}")
    seeded = Seeded(
        enterprise_id=enterprise_id,
        demand_id=target,
        view_bytes=len(raw),
        enterprise_bytes=len(ent),
        suggestions=len(view["suggestions"]),
        contracts=len(view["contracts"]),
        people=len(view["people"]),
        demands=n_demands,
        carriers=len(carriers),
    )
    return seeded, user


# -- the run ---------------------------------------------------------------------------------------


@dataclass
class Rounds:
    baseline: Target
    subject: Target
    pairs: list[tuple[Run, Run]]

    def summary(self) -> dict[str, Any]:
        def med(runs: list[Run]) -> dict[str, float]:
            return {
                "rps": median([r.wrk.rps for r in runs]),
                "p50_ms": median([r.wrk.p50_ms for r in runs]),
                "p90_ms": median([r.wrk.p90_ms for r in runs]),
                "p99_ms": median([r.wrk.p99_ms for r in runs]),
                "new_sessions": median([r.new_sessions for r in runs]),
            }

        def cpu(runs: list[Run]) -> dict[str, float]:
            dicts = [r.cpu_ms_per_request() for r in runs]
            keys = sorted({k for d in dicts for k in d})
            return {k: round(median([d.get(k, 0.0) for d in dicts]), 3) for k in keys}

        base = [b for b, _ in self.pairs]
        subj = [s for _, s in self.pairs]
        ratios = [s.wrk.rps / b.wrk.rps for b, s in self.pairs]
        return {
            "baseline": {"label": self.baseline.label, **med(base), "cpu_ms_per_request": cpu(base)},
            "subject": {"label": self.subject.label, **med(subj), "cpu_ms_per_request": cpu(subj)},
            "ratio_median": median(ratios),
            "ratios": ratios,
            "p99_ratio_median": median([s.wrk.p99_ms / b.wrk.p99_ms for b, s in self.pairs]),
            "target": RATIO_TARGET,
            "met": median(ratios) >= RATIO_TARGET,
            "errors": sum(r.wrk.errors for r in base + subj),
            "incomplete": sum(max(0, r.incomplete) for r in base + subj),
        }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    duration = 3.0 if args.quick else args.duration
    rounds = 1 if args.quick else args.rounds
    warmup = 1.0 if args.quick else args.warmup
    info = machine_info("bench.compose_ratio", await pg_version())
    print_header(
        "Composed demand view vs one gateway hop (wrk -t1 -c32)",
        info,
        {"rounds": rounds, "seconds per measurement": duration, "warm-up seconds": warmup},
    )
    # Topics and consumer groups of this run only: nobody else's stack consumes its events.
    prefix = unique("itpbench")
    names = await create_topics(prefix)
    pairs: list[tuple[Run, Run]] = []
    try:
        stack = Stack(services=SERVICES, gateway=True, env_overrides={**NO_RATE_LIMIT, "ITP_TOPIC_PREFIX": prefix})
        async with stack:
            gateway = stack.url("gateway")
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
                seeded, user = await seed(http, gateway, args.carriers, args.demands)
            print(
                f"seeded: {seeded.carriers} carriers, {seeded.demands} demands; the view measured has"
                f" {seeded.suggestions} suggestions, {seeded.contracts} contract(s), {seeded.people} assignments"
                f" ({seeded.view_bytes} bytes; the enterprise: {seeded.enterprise_bytes} bytes)",
                flush=True,
            )
            script = stack.logdir / "compose.lua"
            script.write_text(WRK_SCRIPT)
            bench = Bench(stack, script, user)
            api = gateway + "/api/v1"
            if args.hop == "suggestions":
                # One of the four parts on its own: a hot route of one service, through the gateway.
                baseline = Target(
                    "GET demands/{id}/suggestions via gateway (baseline)",
                    f"{api}/demands/{seeded.demand_id}/suggestions",
                    "",
                )
            else:
                baseline = Target(
                    "GET enterprises/{id} via gateway (baseline)", f"{api}/enterprises/{seeded.enterprise_id}", ""
                )
            subject = Target(
                "GET demands/{id} composed at gateway", f"{api}/demands/{seeded.demand_id}", '"missing":[]'
            )
            for t in (baseline, subject):
                await bench.measure(t, warmup)
            if args.profile:
                print("-- profiling run (py-spy takes CPU too: its figures are not counted)", flush=True)
                for t in (baseline, subject):
                    spies = []
                    for name in args.profile:
                        out = args.profile_dir / f"{name}.compose-{'subject' if t is subject else 'baseline'}.txt"
                        spies.append((out, await record_profile(stack.servers[name], out, duration - 1)))
                    print("   ", line(t.label, await bench.measure(t, duration)), flush=True)
                    for out, spy in spies:
                        await spy.wait()
                        print(summarize_profile(out), flush=True)
            for i in range(rounds):
                print(f"-- round {i + 1}/{rounds}", flush=True)
                order = (baseline, subject) if i % 2 == 0 else (subject, baseline)
                got = {t.label: await bench.measure(t, duration) for t in order}
                b, s = got[baseline.label], got[subject.label]
                pairs.append((b, s))
                print(f"  ratio {s.wrk.rps / b.wrk.rps:.3f}", flush=True)
                print("   ", line(baseline.label, b), flush=True)
                print("   ", line(subject.label, s), flush=True)
    finally:
        with contextlib.suppress(Exception):
            await delete_topics(names)
    result = Rounds(baseline, subject, pairs)
    out = {
        "machine": info,
        "settings": {"rounds": rounds, "duration_s": duration, "warmup_s": warmup, "connections": 32, "threads": 1},
        "seeded": asdict(seeded),
        "comparison": result.summary(),
        "raw": [[asdict(b), asdict(s)] for b, s in pairs],
    }
    report(out)
    return out


def report(out: dict[str, Any]) -> None:
    c = out["comparison"]
    n = out["settings"]["rounds"]
    print(f"\n== medians of {n} round(s)")
    print("| measurement | req/s | p50 ms | p99 ms | ratio (median, per round) | target |")
    print("|---|---:|---:|---:|---|---|")
    b, s = c["baseline"], c["subject"]
    print(f"| {b['label']} | {b['rps']:.0f} | {b['p50_ms']:.2f} | {b['p99_ms']:.2f} | | |")
    per_round = ", ".join(f"{r:.3f}" for r in c["ratios"])
    verdict = "met" if c["met"] else "MISSED"
    print(
        f"| {s['label']} | {s['rps']:.0f} | {s['p50_ms']:.2f} | {s['p99_ms']:.2f} | **{c['ratio_median']:.3f}**"
        f" ({per_round}) | >= {c['target']:.2f}: {verdict} |"
    )
    print(f"p99 composed / p99 hop (median of rounds): {c['p99_ratio_median']:.2f}")
    print("\nCPU milliseconds per request, by component (median of the rounds):")
    for side in ("baseline", "subject"):
        cpu = c[side]["cpu_ms_per_request"]
        parts = ", ".join(f"{k} {v:.2f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]))
        print(f"  {c[side]['label']}: {parts}; new DB sessions per run {c[side]['new_sessions']:.0f}")
    if c["errors"] or c["incomplete"]:
        print(f"\n!! {c['errors']} errors and {c['incomplete']} incomplete views during the runs: figures suspect")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="one round of 3 s: a smoke run")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of wrk per target before the rounds")
    p.add_argument("--carriers", type=int, default=20, help="carriers registered before the demands")
    p.add_argument("--demands", type=int, default=30, help="demands of the enterprise (the first is measured)")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument(
        "--hop",
        choices=["enterprise", "suggestions"],
        default="enterprise",
        help="the baseline hop: the demand service's enterprise (FastAPI route) or matching's suggestions (hot)",
    )
    p.add_argument(
        "--profile",
        help="comma-separated servers (gateway, demand, talent, matching, contracts) to sample with py-spy in an "
        "extra, uncounted run per target; py-spy is not a project dependency: install it into the venv yourself",
    )
    p.add_argument("--profile-dir", default="bench-profiles")
    args = p.parse_args(argv)
    if not 1 <= args.demands <= 1000 or not 1 <= args.carriers <= 500:
        p.error("--demands must be in 1..1000 and --carriers in 1..500")
    args.profile = [s for s in (args.profile or "").split(",") if s]
    args.profile_dir = Path(args.profile_dir).resolve()
    if args.profile:
        args.profile_dir.mkdir(parents=True, exist_ok=True)
    out = asyncio.run(run(args))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    c = out["comparison"]
    return 1 if c["errors"] or c["incomplete"] else 0


if __name__ == "__main__":
    sys.exit(main())
