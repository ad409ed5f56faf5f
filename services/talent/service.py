"""The talent service layer: one API for ``api.py``, ``handlers.py`` and the bulk import, built
from the use cases in ``services.talent.usecases``, one module per group, each use case one unit
of work (one transaction, events in the outbox):

- ``profiles``: carriers and people, registered, updated, read and listed;
- ``training``: joint training, trainees through their placement;
- ``assignments``: project managers and researchers put on demands and contracts, within capacity;
- ``engagements``: the track record, from matching's and contracts' events;
- ``common``: the problems, who may create what, list cursors.
"""

from __future__ import annotations

from services.talent.usecases.common import (
    authorize_assignment,
    authorize_enrolment,
    authorize_person_registration,
)
from services.talent.usecases.engagements import Engagements
from services.talent.usecases.profiles import Profiles
from services.talent.usecases.training import Training

__all__ = ["TalentService", "authorize_assignment", "authorize_enrolment", "authorize_person_registration"]


class TalentService(Profiles, Training, Engagements):
    """Talent's use cases (see the modules named above)."""
