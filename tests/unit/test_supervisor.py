"""``itp stack``'s restart back-off: capped, exponential, forgiving once a process ran well."""

from __future__ import annotations

from itp.supervisor import next_backoff


def _series(crashes_after_s: list[float]) -> list[float]:
    waits, previous = [], 0.0
    for ran in crashes_after_s:
        previous = next_backoff(previous, ran_s=ran, first_s=0.5, max_s=30.0, stable_after_s=30.0)
        waits.append(previous)
    return waits


def test_a_crash_loop_backs_off_exponentially_up_to_the_cap() -> None:
    assert _series([0.1] * 9) == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_a_process_that_ran_well_starts_the_back_off_afresh() -> None:
    assert _series([0.1, 0.1, 0.1, 45.0, 0.1]) == [0.5, 1.0, 2.0, 0.5, 1.0]
