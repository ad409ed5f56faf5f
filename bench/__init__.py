"""Benchmarks: scripts that print figures (they are not timed tests).

Run them from the repository root as modules, e.g. ``.venv/bin/python -m bench.http_throughput``;
results and the exact commands are in ``docs/benchmarks.md``.
"""
