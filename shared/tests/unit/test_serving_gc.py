"""A server tunes the cyclic collector before serving: its start-up heap frozen, young
collections less often."""

from __future__ import annotations

import gc

from shared.runtime import SERVING_GC_THRESHOLD, tune_gc_for_serving


def test_what_start_up_built_is_out_of_the_collectors_reach() -> None:
    built_at_start_up = [object() for _ in range(1000)]  # noqa: F841 (alive while frozen)
    threshold = gc.get_threshold()
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        tune_gc_for_serving()
        assert gc.get_freeze_count() >= 1000
        assert gc.get_threshold() == (SERVING_GC_THRESHOLD, threshold[1], threshold[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
