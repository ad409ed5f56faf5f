"""The matching service layer: one API for ``api.py`` and ``handlers.py``, built from the use
cases in ``services.matching.usecases``, one module per concern, each one unit of work whose
events go to the outbox in the same transaction:

- ``index_sync``: the in-memory index (a cache of the read model) and its catch-up;
- ``suggestions``: rank, record, and the stored views of suggestions;
- ``consumed``: the consumed events that keep the read model current;
- ``curation``: accept / reject decisions and conflicts of interest;
- ``assignment``: the joint assignment of a batch of demands.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from services.matching.usecases.assignment import Assignment
from services.matching.usecases.consumed import ReadModel
from services.matching.usecases.curation import Curation, decision_problem
from services.matching.usecases.suggestions import SuggestionsView

__all__ = ["MatchingService", "RequestsFirst", "SuggestionsView", "decision_problem"]


class RequestsFirst:
    """Curation requests go before consumed events: the HTTP API and the consumer share one event
    loop, so while a request is in flight the consumer waits (at most ``max_wait_s``) before it
    applies its next event, instead of the request waiting behind a backlog of ranking."""

    def __init__(self, max_wait_s: float = 0.05) -> None:
        self.max_wait_s = max_wait_s
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def wait(self) -> None:
        if self._in_flight:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), self.max_wait_s)


class MatchingService(ReadModel, Curation, Assignment):
    """Matching's use cases (see the modules named above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests = RequestsFirst()
