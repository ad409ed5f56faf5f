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

from services.matching.usecases.assignment import Assignment
from services.matching.usecases.consumed import ReadModel
from services.matching.usecases.curation import Curation, decision_problem
from services.matching.usecases.suggestions import SuggestionsView

__all__ = ["MatchingService", "SuggestionsView", "decision_problem"]


class MatchingService(ReadModel, Curation, Assignment):
    """Matching's use cases (see the modules named above)."""
