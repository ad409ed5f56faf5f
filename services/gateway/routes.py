"""Which service owns which path under /api/v1 (the gateway holds no business rules)."""

from __future__ import annotations

import re

# First match wins: the more specific patterns come first.
_ROUTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^demands/[^/]+/suggestions/?$"), "matching"),
    (re.compile(r"^carriers/[^/]+/suggestions/?$"), "matching"),
    (re.compile(r"^(enterprises|demands)(/|$)"), "demand"),
    (re.compile(r"^(carriers|people|trainees|assignments|talent)(/|$)"), "talent"),
    (re.compile(r"^(matches|match-assignments)(/|$)"), "matching"),
    (re.compile(r"^vocabulary/infer/?$"), "matching"),
    (re.compile(r"^contracts(/|$)"), "contracts"),
    (re.compile(r"^dashboard(/|$)"), "dashboard"),
)


def service_for(path: str) -> str | None:
    """The service that owns ``/api/v1/<path>``, None if no service does."""
    for pattern, service in _ROUTES:
        if pattern.match(path):
            return service
    return None
