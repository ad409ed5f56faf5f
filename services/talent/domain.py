"""Supply-side business rules: pure, no I/O.

- Carriers and people have a *capacity* (concurrent projects, concurrent assignments) and an
  *active load*. A new assignment that would take either over capacity is refused with the
  current load (``OverCapacity``). Loads that come from facts elsewhere (a signed contract)
  are recorded even when they exceed capacity: the contract exists whatever we think of it.
- Joint training is an explicit state machine: enrolled -> on_placement -> graduated, and
  withdrawn from either open state. Anything else is an ``IllegalTransition`` naming the
  current state and the actions allowed from it.
- Natural keys for bulk onboarding: a carrier is (kind, name); a person is their e-mail
  when known, else (name, affiliation), the affiliation being the carrier or else the
  university.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from shared.events import talent as ev
from shared.events.base import DomainEvent
from shared.text import normalize

# --- carriers ---------------------------------------------------------------------------


class CarrierKind(enum.StrEnum):
    RESEARCH_INSTITUTE = "research_institute"
    RD_ENTERPRISE = "rd_enterprise"
    OVERSEAS_PLATFORM = "overseas_platform"
    INCUBATOR = "incubator"
    UNIVERSITY_DOMESTIC = "university_domestic"
    UNIVERSITY_OVERSEAS = "university_overseas"


class CarrierStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    RETIRED = "retired"


# --- people -----------------------------------------------------------------------------


class PersonRole(enum.StrEnum):
    STRATEGIC_SCIENTIST = "strategic_scientist"
    PROJECT_MANAGER = "project_manager"
    JITRI_RESEARCHER = "jitri_researcher"
    RESEARCHER = "researcher"
    GRADUATE_STUDENT = "graduate_student"
    POSTDOC = "postdoc"


class PersonStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


R = PersonRole

# Who may be put on a contract as a researcher (any role but "project manager only").
RESEARCH_ROLES = frozenset({R.STRATEGIC_SCIENTIST, R.JITRI_RESEARCHER, R.RESEARCHER, R.GRADUATE_STUDENT, R.POSTDOC})
# Who is trained jointly with a university.
TRAINEE_ROLES = frozenset({R.GRADUATE_STUDENT, R.POSTDOC})
# Who may supervise a trainee.
SUPERVISOR_ROLES = frozenset({R.STRATEGIC_SCIENTIST, R.JITRI_RESEARCHER, R.RESEARCHER, R.PROJECT_MANAGER})


def _clean(text: str | None) -> str:
    return " ".join(normalize(text or "").split())


def normalize_email(email: str | None) -> str | None:
    if not email:
        return None
    return email.strip().lower() or None


def carrier_name_key(kind: str, name_zh: str | None, name_en: str | None) -> str:
    """A carrier's natural key: its kind and its Chinese name, or its English name when it has none."""
    return f"{kind}|{_clean(name_zh or name_en)}"


def person_name_key(name: str, carrier_id: uuid.UUID | None, university: str | None) -> str:
    """(name, affiliation): the carrier when the person has one, else the university."""
    affiliation = f"carrier:{carrier_id}" if carrier_id else f"university:{_clean(university)}"
    return f"{_clean(name)}|{affiliation}"


def search_text(*parts: str | Iterable[str] | None) -> str:
    """What list queries search: NFKC-normalised, lower-cased text, so full-width and
    half-width forms and upper and lower case meet; substring search needs no word
    boundaries, which Chinese does not have."""
    out: list[str] = []
    for p in parts:
        if p is None:
            continue
        if isinstance(p, str):
            out.append(p)
        else:
            out.extend(p)
    return _clean(" ".join(out))


# --- capacity ---------------------------------------------------------------------------


class SubjectType(enum.StrEnum):
    CARRIER = "carrier"
    PERSON = "person"


class OverCapacity(Exception):
    """Taking one more would exceed the subject's capacity."""

    def __init__(self, subject_type: SubjectType, subject_id: uuid.UUID, capacity: int, active_load: int) -> None:
        self.subject_type = subject_type
        self.subject_id = subject_id
        self.capacity = capacity
        self.active_load = active_load
        unit = "active projects" if subject_type is SubjectType.CARRIER else "concurrent assignments"
        super().__init__(
            f"{subject_type.value} {subject_id} is at {active_load} of {capacity} {unit}; "
            "release something or raise the capacity first"
        )


def check_capacity(
    subject_type: SubjectType, subject_id: uuid.UUID, *, capacity: int, active_load: int, adding: int = 1
) -> int:
    """The load after ``adding`` more, or ``OverCapacity`` naming the current load."""
    if adding <= 0:
        return active_load
    if active_load + adding > capacity:
        raise OverCapacity(subject_type, subject_id, capacity, active_load)
    return active_load + adding


def carrier_load_increase(engaged_targets: set[tuple[str, uuid.UUID]], target: tuple[str, uuid.UUID]) -> int:
    """A carrier's load counts the distinct demands and contracts it is engaged on: a second
    researcher of the same carrier on the same contract adds nothing."""
    return 0 if target in engaged_targets else 1


# --- assignments ------------------------------------------------------------------------


class TargetType(enum.StrEnum):
    DEMAND = "demand"
    CONTRACT = "contract"


class AssignmentStatus(enum.StrEnum):
    ACTIVE = "active"
    RELEASED = "released"


PROJECT_MANAGER_ROLE = "project_manager"
CONTRACTOR_ROLE = "contractor"  # the carrier that signed the contract


class AssignmentRefused(ValueError):
    """The assignment breaks a rule about who may be put on what (a 422, naming ``field``)."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(message)


def check_person_assignment(person_roles: Iterable[str], *, role: str, target_type: TargetType) -> None:
    """A project manager to a demand or a contract; a researcher to a contract, with a role."""
    roles = {PersonRole(r) for r in person_roles}
    if role == PROJECT_MANAGER_ROLE:
        if R.PROJECT_MANAGER not in roles:
            raise AssignmentRefused("person_id", "only a person with the project_manager role can manage a project")
        return
    if target_type is not TargetType.CONTRACT:
        raise AssignmentRefused(
            "target_type", "researchers are assigned to contracts; only a project manager is assigned to a demand"
        )
    if not roles & RESEARCH_ROLES:
        raise AssignmentRefused(
            "person_id", f"a researcher assignment needs one of the roles {', '.join(sorted(RESEARCH_ROLES))}"
        )


# --- joint training ---------------------------------------------------------------------


class TraineeStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    ON_PLACEMENT = "on_placement"
    GRADUATED = "graduated"
    WITHDRAWN = "withdrawn"


class TraineeAction(enum.StrEnum):
    START_PLACEMENT = "start_placement"
    GRADUATE = "graduate"
    WITHDRAW = "withdraw"


TS = TraineeStatus
TA = TraineeAction

# action -> (states it is allowed from, state it leads to)
TRAINEE_TRANSITIONS: dict[TraineeAction, tuple[frozenset[TraineeStatus], TraineeStatus]] = {
    TA.START_PLACEMENT: (frozenset({TS.ENROLLED}), TS.ON_PLACEMENT),
    TA.GRADUATE: (frozenset({TS.ON_PLACEMENT}), TS.GRADUATED),
    TA.WITHDRAW: (frozenset({TS.ENROLLED, TS.ON_PLACEMENT}), TS.WITHDRAWN),
}
OPEN_TRAINEE_STATES = frozenset({TS.ENROLLED, TS.ON_PLACEMENT})
_TRAINEE_EVENTS = {
    TA.START_PLACEMENT: ev.TraineePlacementStarted,
    TA.GRADUATE: ev.TraineeGraduated,
    TA.WITHDRAW: ev.TraineeWithdrawn,
}


def trainee_allowed_actions(status: TraineeStatus) -> list[str]:
    return [a.value for a, (sources, _) in TRAINEE_TRANSITIONS.items() if status in sources]


class IllegalTransition(Exception):
    def __init__(self, status: TraineeStatus, action: str) -> None:
        self.status = status
        self.action = action
        self.allowed = trainee_allowed_actions(status)
        super().__init__(f"cannot {action.replace('_', ' ')} a trainee who is {status.value.replace('_', ' ')}")


class EnrolmentRefused(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(message)


def check_enrolment(
    *,
    person_id: uuid.UUID,
    person_roles: Iterable[str],
    programme: PersonRole | None,
    starts_on: date,
    ends_on: date,
    supervisor_id: uuid.UUID | None,
    supervisor_roles: Iterable[str] | None,
) -> PersonRole:
    """The programme the person is enrolled in (graduate student or postdoc)."""
    held = {PersonRole(r) for r in person_roles} & TRAINEE_ROLES
    if not held:
        raise EnrolmentRefused("person_id", "only a graduate student or a postdoc can be enrolled in joint training")
    if programme is None:
        if len(held) > 1:
            raise EnrolmentRefused("programme", "the person is both graduate student and postdoc: name the programme")
        programme = next(iter(held))
    elif programme not in held:
        raise EnrolmentRefused("programme", f"the person does not hold the {programme.value} role")
    if ends_on <= starts_on:
        raise EnrolmentRefused("ends_on", "the training must end after it starts")
    if supervisor_id is not None:
        if supervisor_id == person_id:
            raise EnrolmentRefused("supervisor_id", "a trainee cannot supervise themselves")
        if not {PersonRole(r) for r in supervisor_roles or ()} & SUPERVISOR_ROLES:
            raise EnrolmentRefused(
                "supervisor_id", f"a supervisor needs one of the roles {', '.join(sorted(SUPERVISOR_ROLES))}"
            )
    return programme


@dataclass(frozen=True)
class Trainee:
    id: uuid.UUID
    person_id: uuid.UUID
    programme: PersonRole
    university: str
    carrier_id: uuid.UUID
    supervisor_id: uuid.UUID | None
    starts_on: date
    ends_on: date
    status: TraineeStatus
    version: int
    created_at: datetime
    updated_at: datetime
    status_reason: str | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def enrol(
        cls,
        *,
        now: datetime,
        person_id: uuid.UUID,
        programme: PersonRole,
        university: str,
        carrier_id: uuid.UUID,
        supervisor_id: uuid.UUID | None,
        starts_on: date,
        ends_on: date,
    ) -> Trainee:
        t = cls(
            id=uuid.uuid4(),
            person_id=person_id,
            programme=programme,
            university=university,
            carrier_id=carrier_id,
            supervisor_id=supervisor_id,
            starts_on=starts_on,
            ends_on=ends_on,
            status=TS.ENROLLED,
            version=1,
            created_at=now,
            updated_at=now,
        )
        return replace(
            t,
            events=[
                ev.TraineeEnrolled(
                    trainee_id=t.id,
                    person_id=person_id,
                    university=university,
                    carrier_id=carrier_id,
                    supervisor_id=supervisor_id,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    enrolled_at=now,
                )
            ],
        )

    def apply(self, action: TraineeAction, *, now: datetime, reason: str | None = None) -> Trainee:
        sources, target = TRAINEE_TRANSITIONS[action]
        if self.status not in sources:
            raise IllegalTransition(self.status, action.value)
        if action is TA.WITHDRAW and not (reason and reason.strip()):
            raise ValueError("a withdrawal needs a reason")
        return replace(
            self,
            status=target,
            version=self.version + 1,
            updated_at=now,
            status_reason=reason if action is TA.WITHDRAW else self.status_reason,
            events=[
                _TRAINEE_EVENTS[action](
                    trainee_id=self.id, person_id=self.person_id, carrier_id=self.carrier_id, at=now
                )
            ],
        )

    @property
    def allowed_actions(self) -> list[str]:
        return trainee_allowed_actions(self.status)


# --- languages --------------------------------------------------------------------------

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def check_language(code: str) -> str:
    """A BCP 47 language tag such as zh, en, de or zh-hant, lower-cased."""
    c = code.strip().lower().replace("_", "-")
    if not _LANGUAGE.fullmatch(c):
        raise ValueError(f"{code!r} is not a language tag such as zh, en or de")
    return c
