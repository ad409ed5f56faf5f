"""The capacity-aware batch assignment: optimal, never over capacity, never below the floor."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.assignment import AssignmentProblem, Candidate, solve


def brute_force(p: AssignmentProblem) -> float:
    valid = [c for c in p.candidates if c.score >= p.floor and p.free_capacity.get(c.carrier_id, 0) > 0]
    best = 0.0
    for r in range(len(valid) + 1):
        for combo in itertools.combinations(valid, r):
            if any(n > p.k for n in Counter(c.demand_id for c in combo).values()):
                continue
            if any(n > p.free_capacity[c] for c, n in Counter(c.carrier_id for c in combo).items()):
                continue
            if len({(c.demand_id, c.carrier_id) for c in combo}) < len(combo):
                continue
            best = max(best, sum(c.score for c in combo))
    return best


def test_a_known_instance_is_solved_to_its_optimum_where_greedy_is_not() -> None:
    # Greedy takes A-X (0.9) and is left with B-Y (0.1): 1.0. The optimum is A-Y + B-X: 1.65.
    p = AssignmentProblem(
        demand_ids=["A", "B"],
        candidates=[
            Candidate("A", "X", 0.9),
            Candidate("A", "Y", 0.8),
            Candidate("B", "X", 0.85),
            Candidate("B", "Y", 0.1),
        ],
        free_capacity={"X": 1, "Y": 1},
        k=1,
        floor=0.0,
    )
    result = solve(p)
    assert result.total_score == pytest.approx(1.65) and result.optimal
    by_demand = {o.demand_id: [a.carrier_id for a in o.assigned] for o in result.outcomes}
    assert by_demand == {"A": ["Y"], "B": ["X"]}
    a = next(o for o in result.outcomes if o.demand_id == "A")
    assert a.assigned[0].rank_for_demand == 2
    assert [(po.carrier_id, po.went_to) for po in a.passed_over] == [("X", ["B"])]


def test_the_floor_and_k_are_respected_and_the_unserved_say_why() -> None:
    p = AssignmentProblem(
        demand_ids=["A", "B", "C", "D"],
        candidates=[
            Candidate("A", "X", 0.9),
            Candidate("A", "Y", 0.7),
            Candidate("A", "Z", 0.6),
            Candidate("B", "X", 0.2),  # below the floor
            Candidate("C", "Z", 0.8),
            Candidate("C", "W", 0.9),  # W is full
        ],
        free_capacity={"X": 3, "Y": 3, "Z": 1, "W": 0},
        k=2,
        floor=0.5,
        known_reasons={"D": "the demand is withdrawn, not open"},
        best_below_floor={"B": 0.2},
    )
    result = solve(p)
    got = {o.demand_id: o for o in result.outcomes}
    assert [a.carrier_id for a in got["A"].assigned] == ["X", "Y"]  # k = 2, Z kept for C
    assert [a.carrier_id for a in got["C"].assigned] == ["Z"]
    assert (
        got["B"].assigned == [] and "floor 0.50" in (got["B"].reason or "") and "best 0.20" in (got["B"].reason or "")
    )
    assert "at capacity" in (got["C"].reason or "")  # only 1 of 2: W is full
    assert got["D"].reason == "no carrier: the demand is withdrawn, not open"
    assert all(a.score >= 0.5 for o in result.outcomes for a in o.assigned)


def test_capacity_taken_by_a_better_use_is_the_reason() -> None:
    p = AssignmentProblem(
        demand_ids=["A", "B"],
        candidates=[Candidate("A", "X", 0.9), Candidate("B", "X", 0.5)],
        free_capacity={"X": 1},
        k=1,
        floor=0.3,
    )
    got = {o.demand_id: o for o in solve(p).outcomes}
    assert [a.carrier_id for a in got["A"].assigned] == ["X"]
    assert "went to demands where they score higher" in (got["B"].reason or "")


def test_nothing_to_assign() -> None:
    result = solve(AssignmentProblem(["A"], [], {}, k=3, floor=0.3))
    assert result.total_score == 0.0 and result.outcomes[0].assigned == []


problems = st.builds(
    lambda n_d, n_c, scores, caps, k, floor: AssignmentProblem(
        demand_ids=[f"d{i}" for i in range(n_d)],
        candidates=[
            Candidate(f"d{i}", f"c{j}", s)
            for (i, j), s in zip(itertools.product(range(n_d), range(n_c)), scores, strict=False)
            if s is not None
        ],
        free_capacity={f"c{j}": caps[j % len(caps)] for j in range(n_c)},
        k=k,
        floor=floor,
    ),
    st.integers(1, 4),
    st.integers(1, 4),
    st.lists(st.one_of(st.none(), st.floats(0, 1).map(lambda x: round(x, 2))), min_size=16, max_size=16),
    st.lists(st.integers(0, 3), min_size=1, max_size=4),
    st.integers(1, 3),
    st.sampled_from([0.0, 0.3, 0.6]),
)


@settings(max_examples=150, deadline=None)
@given(problems)
def test_random_instances_are_optimal_and_feasible(p: AssignmentProblem) -> None:
    result = solve(p)
    pairs = [(o.demand_id, a.carrier_id, a.score) for o in result.outcomes for a in o.assigned]
    load = Counter(c for _, c, _ in pairs)
    assert all(load[c] <= p.free_capacity.get(c, 0) for c in load)  # capacity never exceeded
    assert all(n <= p.k for n in Counter(d for d, _, _ in pairs).values())
    assert len({(d, c) for d, c, _ in pairs}) == len(pairs)  # one carrier once per demand
    assert all(s >= p.floor for _, _, s in pairs)
    assert result.total_score == pytest.approx(brute_force(p), abs=1e-6)
