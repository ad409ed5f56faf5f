"""Capacity-aware joint assignment of a batch of demands to carriers: pure, no I/O.

Each demand gets up to ``k`` carriers, each carrier at most its free capacity, every pair
at least the quality floor, and the total score is as large as it can be. The pairs are a
bipartite b-matching; we solve it as an integer linear program with SciPy's HiGHS
(``scipy.optimize.milp``): one variable per candidate pair, one row per demand (at most
``k``) and one per carrier (at most its free capacity). The constraint matrix is the
incidence matrix of a bipartite graph, totally unimodular, so the LP optimum is already
integral and HiGHS proves it at the root. (An expanded ``linear_sum_assignment`` would need
a dense (demands*k) x (total capacity) matrix and could give one demand the same carrier
twice; this formulation has neither problem.)

The answer says, per demand, who and why; and for each demand that got nobody (or fewer
than ``k``) the reason: nobody above the floor, everyone excluded (conflict of interest,
rejected), everyone above the floor full, or their capacity went to demands where they
scored higher.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix


@dataclass(frozen=True)
class Candidate:
    demand_id: str
    carrier_id: str
    score: float


@dataclass(frozen=True)
class AssignmentProblem:
    demand_ids: list[str]
    candidates: list[Candidate]  # pairs already cleared of conflicts and rejections
    free_capacity: Mapping[str, int]  # carrier -> how many more demands it can take
    k: int
    floor: float
    # Why a demand has no candidates at all, when the caller knows (e.g. "not open").
    known_reasons: Mapping[str, str] = field(default_factory=dict)
    excluded: Mapping[str, int] = field(default_factory=dict)  # demand -> carriers excluded (conflicts, rejections)
    best_below_floor: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Assigned:
    carrier_id: str
    score: float
    rank_for_demand: int  # 1 = this demand's own best candidate


@dataclass(frozen=True)
class PassedOver:
    carrier_id: str
    score: float
    went_to: list[str]  # the demands that used its capacity


@dataclass
class DemandOutcome:
    demand_id: str
    assigned: list[Assigned]
    reason: str | None = None  # why nobody, or why fewer than k
    passed_over: list[PassedOver] = field(default_factory=list)


@dataclass
class AssignmentResult:
    outcomes: list[DemandOutcome]
    total_score: float
    optimal: bool

    def load_of(self, carrier_id: str) -> int:
        return sum(1 for o in self.outcomes for a in o.assigned if a.carrier_id == carrier_id)


def solve(problem: AssignmentProblem) -> AssignmentResult:
    """The assignment maximising the total score under the capacities, ``k`` and the floor."""
    k, floor = problem.k, problem.floor
    demand_ids = list(dict.fromkeys(problem.demand_ids))
    known = set(demand_ids)
    # Keep the best score per pair, above the floor, for carriers with room.
    best: dict[tuple[str, str], float] = {}
    above_floor: dict[str, set[str]] = defaultdict(set)
    for c in problem.candidates:
        if c.demand_id not in known or c.score < floor:
            continue
        above_floor[c.demand_id].add(c.carrier_id)
        key = (c.demand_id, c.carrier_id)
        if c.score > best.get(key, -1.0):
            best[key] = c.score
    pairs = [(d, c, s) for (d, c), s in best.items() if problem.free_capacity.get(c, 0) > 0]
    chosen: set[int] = set()
    optimal = True
    if pairs and k > 0:
        d_index = {d: i for i, d in enumerate(demand_ids)}
        carriers = sorted({c for _, c, _ in pairs})
        c_index = {c: i for i, c in enumerate(carriers)}
        n = len(pairs)
        rows = np.concatenate([[d_index[d] for d, _, _ in pairs], [len(demand_ids) + c_index[c] for _, c, _ in pairs]])
        cols = np.concatenate([np.arange(n), np.arange(n)])
        a = coo_matrix((np.ones(2 * n), (rows, cols)), shape=(len(demand_ids) + len(carriers), n)).tocsr()
        upper = np.concatenate(
            [np.full(len(demand_ids), float(k)), [float(problem.free_capacity[c]) for c in carriers]]
        )
        scores = np.array([s for _, _, s in pairs])
        res = milp(
            c=-scores,
            constraints=LinearConstraint(a, -np.inf, upper),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": 60.0},
        )
        if res.x is None:
            raise RuntimeError(f"the assignment solver failed: {res.message}")
        optimal = bool(res.status == 0)
        chosen = {i for i in range(n) if res.x[i] > 0.5}

    by_demand: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for d, cid, score in pairs:
        by_demand[d].append((cid, score))
    assigned_to: dict[str, list[str]] = defaultdict(list)
    picked: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for i in sorted(chosen):
        d, cid, score = pairs[i]
        picked[d].append((cid, score))
        assigned_to[cid].append(d)

    outcomes: list[DemandOutcome] = []
    total = 0.0
    for d in demand_ids:
        own_order = sorted(by_demand.get(d, []), key=lambda cs: (-cs[1], cs[0]))
        own_rank = {c: i + 1 for i, (c, _) in enumerate(own_order)}
        got = sorted(picked.get(d, []), key=lambda cs: (-cs[1], cs[0]))
        total += sum(s for _, s in got)
        outcome = DemandOutcome(d, [Assigned(c, s, own_rank[c]) for c, s in got])
        got_ids = {c for c, _ in got}
        better = [(c, s) for c, s in own_order if c not in got_ids and s > (got[-1][1] if got else -1.0)]
        outcome.passed_over = [PassedOver(c, s, sorted(assigned_to.get(c, []))) for c, s in better[:3]]
        if len(got) < k:
            outcome.reason = _why_short(problem, d, len(got), above_floor[d], own_order, got_ids, assigned_to)
        outcomes.append(outcome)
    return AssignmentResult(outcomes, round(total, 4), optimal)


def _why_short(
    problem: AssignmentProblem,
    demand_id: str,
    n_got: int,
    above_floor: set[str],
    own_order: list[tuple[str, float]],
    got_ids: set[str],
    assigned_to: Mapping[str, list[str]],
) -> str:
    k, floor = problem.k, problem.floor
    prefix = "no carrier" if n_got == 0 else f"only {n_got} of {k}"
    if demand_id in problem.known_reasons:
        return f"{prefix}: {problem.known_reasons[demand_id]}"
    if not above_floor:
        best = problem.best_below_floor.get(demand_id)
        excluded = problem.excluded.get(demand_id, 0)
        detail = f" (best {best:.2f})" if best is not None else ""
        extra = f"; {excluded} carrier(s) excluded by conflicts of interest or rejections" if excluded else ""
        return f"{prefix}: no carrier scores at or above the floor {floor:.2f}{detail}{extra}"
    full = [c for c in sorted(above_floor) if problem.free_capacity.get(c, 0) <= 0]
    unused = [c for c, _ in own_order if c not in got_ids]
    taken = [c for c in unused if assigned_to.get(c)]
    parts = []
    if full:
        parts.append(f"{len(full)} carrier(s) above the floor are at capacity")
    if taken:
        parts.append(f"the capacity of {len(taken)} other(s) went to demands where they score higher in total")
    if not parts:
        parts.append(f"only {len(above_floor)} carrier(s) score at or above the floor {floor:.2f}")
    return f"{prefix}: " + "; ".join(parts)
