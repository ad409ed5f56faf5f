"""People and assignment bodies validated at the edge."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from services.talent.schemas import AssignmentCreate, PersonCreate


def person(**kw: object) -> dict[str, object]:
    body: dict[str, object] = {"name": "王晓明", "roles": ["researcher"], "university": "东南大学"}
    body.update(kw)
    return body


def fields_of(exc: ValidationError) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) for e in exc.errors()]


def test_defaults_and_normalisation() -> None:
    p = PersonCreate.model_validate(
        person(
            roles=["postdoc", "postdoc", "researcher"], languages=["ZH", "en", "zh_Hant"], contact={"email": "A@B.cn"}
        )
    )
    assert [r.value for r in p.roles] == ["postdoc", "researcher"]
    assert p.languages == ["zh", "en", "zh-hant"]
    assert p.contact.email == "a@b.cn"
    assert (p.capacity, p.status.value, p.fields) == (3, "active", [])


def test_an_affiliation_is_required() -> None:
    with pytest.raises(ValidationError, match="affiliation"):
        PersonCreate.model_validate(person(university=None))
    assert PersonCreate.model_validate(person(university=None, carrier_id=str(uuid.uuid4()))).carrier_id


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": ["astronaut"]}, "roles.0"),
        ({"name": "王"}, "name"),  # character-counted: one character is too short
        ({"fields": ["energy.fusion"]}, "fields"),
        ({"languages": ["english"]}, "languages"),
        ({"capacity": 51}, "capacity"),
        ({"contact": {"email": "not-an-email"}}, "contact.email"),
        ({"contact": {"phone": "call me"}}, "contact.phone"),
        ({"salary": 1}, "salary"),
    ],
)
def test_bad_people(kw: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        PersonCreate.model_validate(person(**kw))
    assert fields_of(info.value) == [field]


def test_an_assignment_names_a_person_or_a_carrier() -> None:
    base = {"target_type": "contract", "target_id": str(uuid.uuid4()), "role": "engineer"}
    with pytest.raises(ValidationError, match="either a person"):
        AssignmentCreate.model_validate(base)
    with pytest.raises(ValidationError, match="either a person"):
        AssignmentCreate.model_validate({**base, "person_id": str(uuid.uuid4()), "carrier_id": str(uuid.uuid4())})
    with pytest.raises(ValidationError):
        AssignmentCreate.model_validate({**base, "person_id": str(uuid.uuid4()), "role": "Engineer!"})
    assert AssignmentCreate.model_validate({**base, "carrier_id": str(uuid.uuid4())}).person_id is None
