"""Matching speed with 100,000 carrier and expert profiles, and the batch assignment.

    .venv/bin/python -m bench.matching.speed [--profiles 100000] [--queries 500]

Prints, for synthetic mixed Chinese/English profiles (``synthetic.py``, ~270 characters
each; 20% carriers, 80% experts, as in the institute's proportions):

- the time to build the two in-memory indexes and the memory they take (resident set
  growth of the process, and the index's own count of its arrays and buffers);
- top-10 latency per demand with every score component: carriers, experts, and both
  (what one demand's suggestions cost), p50 / p99 / max, wall clock and CPU time (the
  machine may be shared: CPU time is what the code costs);
- the cost of applying one profile event to the index (a changed profile re-indexed; a
  capacity change), and of finding the open demands it affects among 2,000;
- the batch assignment of 1,000 demands over 5,000 carriers (k=3, floor 0.3): candidate
  generation through the index, the solver, and a check that no capacity is exceeded.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from bench.matching import synthetic as S
from services.matching import assignment as asg
from services.matching.index import OpenDemands, ProfileIndex
from services.matching.scoring import DEFAULT_WEIGHTS


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(fn: Callable[[], object], n: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.thread_time()
        fn()
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return wall, cpu


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def line(name: str, wall: list[float], cpu: list[float]) -> None:
    print(
        f"  {name:<34} wall p50 {pct(wall, 50):7.2f} ms  p99 {pct(wall, 99):7.2f} ms  max {max(wall) * 1000:7.2f} ms"
        f" | cpu p50 {pct(cpu, 50):6.2f} ms  p99 {pct(cpu, 99):6.2f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.matching.speed")
    ap.add_argument("--profiles", type=int, default=100_000)
    ap.add_argument("--carrier-share", type=float, default=0.2)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--updates", type=int, default=1000)
    ap.add_argument("--open-demands", type=int, default=2000)
    ap.add_argument("--assign-demands", type=int, default=1000)
    ap.add_argument("--assign-carriers", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    weights = dict(DEFAULT_WEIGHTS)

    n_carriers = int(args.profiles * args.carrier_share)
    n_experts = args.profiles - n_carriers
    t = time.perf_counter()
    carriers = [S.carrier(i, rng) for i in range(n_carriers)]
    experts = [S.expert(i, rng, rng.choice(carriers)) for i in range(n_experts)]
    demands = [S.demand(i, rng) for i in range(max(args.queries, args.open_demands))]
    chars = statistics.mean(len(c.name) + len(c.capabilities) + sum(len(k) for k in c.keywords) for c in carriers)
    echars = statistics.mean(sum(len(k) for k in e.keywords) for e in experts)
    print(
        f"synthetic profiles: {n_carriers} carriers (~{chars:.0f} chars), {n_experts} experts (~{echars:.0f} chars), "
        f"generated in {time.perf_counter() - t:.1f} s"
    )

    gc.collect()
    before = rss_mib()
    t = time.perf_counter()
    ci = ProfileIndex()
    for c in carriers:
        ci.upsert(c)
    ci.refresh_norms()
    ei = ProfileIndex(experts=True, codes=ci.codes)
    for e in experts:
        ei.upsert(e)
    ei.refresh_norms()
    build_s = time.perf_counter() - t
    gc.collect()
    grown = rss_mib() - before
    print(f"index build: {build_s:.1f} s for {args.profiles} profiles ({build_s / args.profiles * 1e3:.2f} ms each)")
    print(
        f"index memory: resident set +{grown:.0f} MiB; arrays and buffers "
        f"{ci.memory_bytes() / 2**20:.0f} MiB (carriers) + {ei.memory_bytes() / 2**20:.0f} MiB (experts); "
        f"{len(ci.terms)} + {len(ei.terms)} distinct terms"
    )

    queries = demands[: args.queries]
    it = iter(queries * 3)
    print(f"top-10 per demand, every component ({args.queries} demands):")
    for d in queries[:20]:  # warm-up
        ci.search(d, weights=weights)
    line(f"carriers ({n_carriers})", *timed(lambda: ci.search(next(it), weights=weights, top_k=10), args.queries))
    line(f"experts ({n_experts})", *timed(lambda: ei.search(next(it), weights=weights, top_k=10), args.queries))

    def both() -> None:
        d = next(it)
        ci.search(d, weights=weights, top_k=10)
        ei.search(d, weights=weights, top_k=10)

    line("carriers + experts (one demand)", *timed(both, args.queries))

    print(f"one profile event applied to the index ({args.updates} events):")
    changed = iter(
        replace(rng.choice(carriers), capabilities=S._text(rng.choice(carriers).fields, rng, 250, "zh"))
        for _ in range(args.updates)
    )
    line("profile changed (re-indexed)", *timed(lambda: ci.upsert(next(changed)), args.updates))
    ids = iter(rng.choice(carriers).carrier_id for _ in range(args.updates))
    line("capacity changed", *timed(lambda: ci.set_capacity(next(ids), 5, rng.randint(0, 5)), args.updates))
    open_demands = OpenDemands()
    for d in demands[: args.open_demands]:
        open_demands.upsert(d)
    for d in demands[: args.open_demands]:
        open_demands.set_top("carriers", d.demand_id, ci.search(d, weights=weights, top_k=10), 10)
    docs = iter(rng.choice(carriers) for _ in range(200))

    def affected() -> None:
        doc = next(docs)
        ci.upsert(doc)
        open_demands.affected_by("carriers", doc, ci, weights)

    wall, cpu = timed(affected, 200)
    line(f"re-index + affected among {args.open_demands} open", wall, cpu)
    counts = [len(open_demands.affected_by("carriers", c, ci, weights)) for c in rng.sample(carriers, 50)]
    print(f"  open demands a changed profile may affect: median {statistics.median(counts):.0f}, max {max(counts)}")

    print(f"batch assignment: {args.assign_demands} demands x {args.assign_carriers} carriers, k=3, floor 0.3")
    ai = ProfileIndex()
    pool = carriers[: args.assign_carriers]
    for c in pool:
        ai.upsert(c)
    ai.refresh_norms()
    batch = demands[: args.assign_demands]
    t = time.perf_counter()
    candidates = [
        asg.Candidate(d.demand_id, s.carrier_id, s.score)
        for d in batch
        for s in ai.search(d, weights=weights, top_k=50, candidates=70, floor=0.3)
    ]
    gen_s = time.perf_counter() - t
    free = {c.carrier_id: max(0, c.capacity - c.active_load) for c in pool}
    t = time.perf_counter()
    result = asg.solve(asg.AssignmentProblem([d.demand_id for d in batch], candidates, free, k=3, floor=0.3))
    solve_s = time.perf_counter() - t
    load = Counter(a.carrier_id for o in result.outcomes for a in o.assigned)
    assert all(load[c] <= free[c] for c in load), "capacity exceeded"
    served = sum(1 for o in result.outcomes if o.assigned)
    print(
        f"  candidates: {len(candidates)} pairs above the floor in {gen_s:.2f} s; "
        f"solver (HiGHS MILP): {solve_s:.2f} s, "
        f"optimal={result.optimal}; total score {result.total_score:.1f}; {served} demands served, "
        f"{sum(len(o.assigned) for o in result.outcomes)} pairs; capacity never exceeded (checked); "
        f"{sum(free.values())} free slots in all"
    )


if __name__ == "__main__":
    main()
