"""Which service owns which path under /api/v1 (the gateway holds no business rules)."""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import quote, unquote

# First match wins: the more specific patterns come first.
_ROUTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^demands/[^/]+/suggestions/?$"), "matching"),
    (re.compile(r"^carriers/[^/]+/suggestions/?$"), "matching"),
    (re.compile(r"^(enterprises|centers|demands)(/|$)"), "demand"),
    (re.compile(r"^(carriers|people|trainees|assignments|talent)(/|$)"), "talent"),
    (re.compile(r"^(matches|match-assignments)(/|$)"), "matching"),
    (re.compile(r"^vocabulary/infer/?$"), "matching"),
    (re.compile(r"^(contracts|funds|portfolio)(/|$)"), "contracts"),
    (re.compile(r"^dashboard(/|$)"), "dashboard"),
)


def service_for(path: str) -> str | None:
    """The service that owns ``/api/v1/<path>``, None if no service does."""
    for pattern, service in _ROUTES:
        if pattern.match(path):
            return service
    return None


# A decoded path with one of these would name another resource, or another request, downstream.
_REFUSED = re.compile(r"[\x00-\x1f\x7f?#\\]")
_ENCODED_SEPARATOR = re.compile(rb"%(2f|5c)", re.IGNORECASE)


def forwarded_path(scope: MutableMapping[str, Any]) -> str | None:
    """The path to send the owning service: as received, still percent-encoded; None when the
    gateway refuses it (a control character, ``?``, ``#``, ``\\``, an encoded ``/`` or a ``.``
    or ``..`` segment), because the service would read it as another route or another query."""
    path: str = scope["path"]
    if _REFUSED.search(path) or any(segment in (".", "..") for segment in path.split("/")):
        return None
    raw: bytes | None = scope.get("raw_path")
    if raw is None:
        return quote(path, safe="/:@!$&'()*+,;=~")
    if _ENCODED_SEPARATOR.search(raw) or not raw.isascii():
        return None
    text = raw.decode("ascii")
    return text if unquote(text) == path else None


_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


class Methods:
    """Which methods each path of the API answers, from the paths of the OpenAPI document (built
    from every service's routes): the ``Allow`` of a 405. A literal path (``/demands/totals``) wins
    over a template that also matches it (``/demands/{demand_id}``), as it does in the services."""

    def __init__(self, paths: Mapping[str, Mapping[str, object]]) -> None:
        table = []
        for template, operations in paths.items():
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            methods = tuple(m.upper() for m in _METHODS if m in operations)
            table.append((template.count("{"), re.compile(f"^{pattern}$"), methods))
        self._table = sorted(table, key=lambda row: row[0])

    def of(self, path: str) -> tuple[str, ...] | None:
        """The methods of ``path`` (as received, decoded), None when no path of the API matches it."""
        for _, pattern, methods in self._table:
            if pattern.match(path):
                return methods
        return None
