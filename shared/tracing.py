"""W3C Trace Context (``traceparent``) carried through requests and events.

The current traceparent lives in a context variable: the HTTP middleware sets it from
the incoming request (or starts a new trace), the consumer sets it from the event it
handles, and the outbox stamps it on every event written, so one trace follows a
demand from the portal's POST to the matching service's suggestion.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

current_traceparent: ContextVar[str | None] = ContextVar("current_traceparent", default=None)


def new_traceparent() -> str:
    """A fresh sampled traceparent with a random trace id and span id."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def child_of(traceparent: str | None) -> str:
    """A traceparent in the same trace with a new span id; a new trace if none or invalid."""
    if traceparent:
        m = _TRACEPARENT.match(traceparent.strip().lower())
        if m and m.group(1) != "0" * 32:
            return f"00-{m.group(1)}-{secrets.token_hex(8)}-{m.group(3)}"
    return new_traceparent()
