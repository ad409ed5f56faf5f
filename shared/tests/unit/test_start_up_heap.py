"""A server freezes its start-up heap before serving, so request-time collections skip it."""

from __future__ import annotations

import gc

from shared.runtime import freeze_start_up_heap


def test_what_start_up_built_is_out_of_the_collectors_reach() -> None:
    built_at_start_up = [object() for _ in range(1000)]  # noqa: F841 (alive while frozen)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        freeze_start_up_heap()
        assert gc.get_freeze_count() >= 1000
        assert gc.get_count()[0] < 100  # collected first: what was garbage is not frozen with it
    finally:
        gc.unfreeze()
