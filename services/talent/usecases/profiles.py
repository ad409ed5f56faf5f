"""Carriers and people: their profiles (registered, updated, read, listed), and the values of
their rows and events that the bulk import shares."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from services.talent import domain
from services.talent.domain import (
    SubjectType,
)
from services.talent.repository import (
    CarrierFilters,
    PersonFilters,
    TalentRepository,
)
from services.talent.schemas import CarrierCreate, PersonContact, PersonCreate
from services.talent.usecases.common import (
    CARRIERS_NEWEST,
    PEOPLE_NEWEST,
    UseCases,
    field_problem,
    forbidden,
    list_cursor,
    stale,
)
from shared.auth import Actor
from shared.bulk import validation_errors
from shared.contact import can_see_contact
from shared.events import talent as ev
from shared.outbox import UnitOfWork
from shared.pagination import keyset_cursor, page
from shared.problems import Conflict, NotFound, Problem

# --- values of rows ---------------------------------------------------------------------------


def display_name(c: dict[str, Any]) -> str:
    return str(c.get("name_zh") or c.get("name_en") or "")


def carrier_columns(data: CarrierCreate) -> dict[str, Any]:
    """The stored profile of a carrier (without id, version and timestamps)."""
    values = data.model_dump(mode="json")
    values["name_key"] = domain.carrier_name_key(data.kind.value, data.name_zh, data.name_en)
    values["search_text"] = domain.search_text(
        data.name_zh, data.name_en, data.city, data.capabilities, data.keywords, data.equipment
    )
    return values


CARRIER_PROFILE = tuple(CarrierCreate.model_fields)


# A person's stored profile: the fields of the body that creates it, its contact data flattened.
CONTACT_COLUMNS = tuple(PersonContact.model_fields)
PERSON_PROFILE = (*(name for name in PersonCreate.model_fields if name != "contact"), *CONTACT_COLUMNS)


def person_columns(data: PersonCreate) -> dict[str, Any]:
    """The stored profile of a person, contact data included (without id, version, timestamps)."""
    return {
        **data.model_dump(mode="json", exclude={"contact"}),
        "carrier_id": data.carrier_id,
        **data.contact.model_dump(mode="json"),
        "name_key": domain.person_name_key(data.name, data.carrier_id, data.university),
        "search_text": domain.search_text(data.name, data.name_en, data.title, data.university, data.keywords),
    }


def person_input(row: dict[str, Any]) -> dict[str, Any]:
    """A stored person as the body that would create it (to merge a partial update into)."""
    out = {k: row[k] for k in PERSON_PROFILE if k not in CONTACT_COLUMNS}
    out["contact"] = {k: row[k] for k in CONTACT_COLUMNS if row.get(k)}
    return out


def _carrier_profile(values: dict[str, Any]) -> dict[str, Any]:
    """What both carrier events carry of the profile."""
    keys = ("kind", "city", "province", "country", "fields", "capabilities", "keywords", "capacity")
    name_en = values.get("name_en")
    return {
        "carrier_id": values["id"],
        "name": display_name(values),
        "name_en": name_en if name_en != display_name(values) else None,
        **{k: values[k] for k in keys},
    }


def carrier_registered(values: dict[str, Any], now: datetime) -> ev.CarrierRegistered:
    return ev.CarrierRegistered(**_carrier_profile(values), registered_at=now)


def carrier_updated(values: dict[str, Any], now: datetime) -> ev.CarrierProfileUpdated:
    return ev.CarrierProfileUpdated(
        **_carrier_profile(values), status=values["status"], version=values["version"], updated_at=now
    )


def _person_profile(values: dict[str, Any]) -> dict[str, Any]:
    """What both person events carry. Contact data stays out: it never travels on the bus."""
    keys = ("name", "name_en", "roles", "carrier_id", "university", "fields", "keywords", "languages", "capacity")
    return {"person_id": values["id"], **{k: values[k] for k in keys}}


def person_registered(values: dict[str, Any], now: datetime) -> ev.PersonRegistered:
    return ev.PersonRegistered(**_person_profile(values), registered_at=now)


def person_updated(values: dict[str, Any], now: datetime) -> ev.PersonProfileUpdated:
    return ev.PersonProfileUpdated(
        **_person_profile(values), status=values["status"], version=values["version"], updated_at=now
    )


def capacity_changed(subject: SubjectType, subject_id: uuid.UUID, capacity: int, load: int, now: datetime) -> Any:
    return ev.CapacityChanged(
        subject_type=subject.value, subject_id=subject_id, capacity=capacity, active_load=load, changed_at=now
    )


def duplicate_person(actor: Actor, person_id: uuid.UUID, carrier_id: uuid.UUID | None) -> Conflict:
    """The 409 for an e-mail another person has. Which person has it is contact data: it is named
    (``existing_id``) only to those who may see that person's contact data, never to another
    carrier's user or to staff without that right."""
    named = {"existing_id": str(person_id)} if can_see_contact(actor, carrier_id=carrier_id) else {}
    return Conflict("a person with this e-mail is already registered", slug="duplicate-person", **named)


class Profiles(UseCases):
    # == carriers ==================================================================================
    async def register_carrier(self, uow: UnitOfWork, data: CarrierCreate) -> dict[str, Any]:
        now = datetime.now(UTC)
        values = {**carrier_columns(data), "id": uuid.uuid4(), "version": 1, "created_at": now, "updated_at": now}
        await TalentRepository(uow.conn).add_carrier(values)
        uow.emit(carrier_registered(values, now))
        return {
            **values,
            "active_load": 0,
            "completed_contracts": 0,
            "contract_value": Decimal("0.00"),
            "matches_accepted": 0,
        }

    async def update_carrier(
        self, carrier_id: uuid.UUID, data: CarrierCreate, *, if_match: int, actor: Actor | None = None
    ) -> dict[str, Any]:
        async with self.uow() as uow:
            repo = TalentRepository(uow.conn)
            current = await repo.get_carrier(carrier_id, for_update=True)
            if current is None:
                raise NotFound("carrier", carrier_id)
            if actor is not None and not actor.is_staff:
                # A carrier keeps its own profile current; its kind and standing are the institute's call.
                if data.kind.value != current["kind"] or data.status.value != current["status"]:
                    raise forbidden("only staff may change a carrier's kind or status")
            if current["version"] != if_match:
                raise stale("carrier", current["version"], if_match)
            now = datetime.now(UTC)
            values = {**carrier_columns(data), "version": if_match + 1, "updated_at": now}
            if not await repo.save_carrier(carrier_id, values, expected_version=if_match):
                raise Problem(412, "precondition-failed", "the carrier changed meanwhile; reload and retry")
            updated = {**current, **values}
            uow.emit(carrier_updated(updated, now))
            if data.capacity != current["capacity"]:
                uow.emit(capacity_changed(SubjectType.CARRIER, carrier_id, data.capacity, current["active_load"], now))
            return updated

    async def get_carrier(self, carrier_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.read() as conn:
            c = await TalentRepository(conn).get_carrier(carrier_id)
        if c is None:
            raise NotFound("carrier", carrier_id)
        return c

    async def list_carriers(
        self, filters: CarrierFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        if filters.q:
            filters = CarrierFilters(**{**filters.__dict__, "q": domain.search_text(filters.q)})
        async with self.uow.read() as conn:
            rows = await TalentRepository(conn).list_carriers(
                filters, after=list_cursor(CARRIERS_NEWEST, cursor), limit=limit + 1
            )
        return page(rows, limit, lambda r: keyset_cursor(CARRIERS_NEWEST, r["created_at"], r["id"]))

    # == people ====================================================================================
    async def register_person(self, uow: UnitOfWork, data: PersonCreate, actor: Actor) -> dict[str, Any]:
        """A new person (authorized first by :func:`authorize_person_registration`)."""
        repo = TalentRepository(uow.conn)
        await self._check_affiliation(repo, data.carrier_id)
        if data.contact.email and (existing := await repo.person_by_email(data.contact.email)):
            raise duplicate_person(actor, *existing)
        now = uow.now()  # a history import dates it when it happened
        values = {**person_columns(data), "id": uuid.uuid4(), "version": 1, "created_at": now, "updated_at": now}
        await repo.add_person(values)  # a concurrent twin fails on the unique e-mail (a 409 at the edge)
        uow.emit(person_registered(values, now))
        return {**values, "active_load": 0, "completed_contracts": 0, "contract_value": Decimal("0.00")}

    async def _check_affiliation(self, repo: TalentRepository, carrier_id: uuid.UUID | None) -> None:
        if carrier_id is not None and await repo.get_carrier(carrier_id) is None:
            raise field_problem("unknown-carrier", "carrier_id", f"carrier {carrier_id} is not registered")

    async def update_person(
        self, person_id: uuid.UUID, changes: dict[str, Any], *, if_match: int, actor: Actor
    ) -> dict[str, Any]:
        async with self.uow() as uow:
            repo = TalentRepository(uow.conn)
            current = await repo.get_person(person_id, for_update=True)
            if current is None:
                raise NotFound("person", person_id)
            if not actor.is_staff and not (current["carrier_id"] and actor.acts_for_carrier(current["carrier_id"])):
                raise forbidden("a carrier user edits people of its own carrier only")
            if current["version"] != if_match:
                raise stale("person", current["version"], if_match)
            merged = {**person_input(current), **changes}
            if "contact" in changes and isinstance(changes["contact"], dict):
                merged["contact"] = changes["contact"]
            try:
                data = PersonCreate.model_validate(merged)
            except ValidationError as exc:
                errors = validation_errors(exc)
                raise Problem(
                    422,
                    "validation-error",
                    "invalid input: " + ", ".join(e["field"] for e in errors),
                    title="Your request is not valid",
                    errors=errors,
                ) from exc
            if not actor.is_staff and data.carrier_id != current["carrier_id"]:
                raise forbidden("only staff may move a person to another carrier")
            if data.carrier_id != current["carrier_id"]:
                await self._check_affiliation(repo, data.carrier_id)
            values = person_columns(data)
            if all(values[k] == current[k] for k in PERSON_PROFILE):
                return current  # nothing changed: no new version, no event
            if values["email"] and values["email"] != current["email"]:
                other = await repo.person_by_email(values["email"])
                if other and other[0] != person_id:
                    raise duplicate_person(actor, *other)
            now = datetime.now(UTC)
            values |= {"version": if_match + 1, "updated_at": now}
            if not await repo.save_person(person_id, values, expected_version=if_match):
                raise Problem(412, "precondition-failed", "the person changed meanwhile; reload and retry")
            updated = {**current, **values}
            uow.emit(person_updated(updated, now))
            if updated["capacity"] != current["capacity"]:
                uow.emit(
                    capacity_changed(SubjectType.PERSON, person_id, updated["capacity"], current["active_load"], now)
                )
            return updated

    async def get_person(self, person_id: uuid.UUID) -> dict[str, Any]:
        async with self.uow.read() as conn:
            p = await TalentRepository(conn).get_person(person_id)
        if p is None:
            raise NotFound("person", person_id)
        return p

    async def list_people(
        self, filters: PersonFilters, *, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        if filters.q:
            filters = PersonFilters(**{**filters.__dict__, "q": domain.search_text(filters.q)})
        async with self.uow.read() as conn:
            rows = await TalentRepository(conn).list_people(
                filters, after=list_cursor(PEOPLE_NEWEST, cursor), limit=limit + 1
            )
        return page(rows, limit, lambda r: keyset_cursor(PEOPLE_NEWEST, r["created_at"], r["id"]))
