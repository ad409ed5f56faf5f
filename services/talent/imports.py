"""Bulk onboarding of carriers and people from CSV or JSON Lines (one use case, one transaction).

Each row says what it is in a ``type`` column (``carrier`` or ``person``), or the whole file
is of one type (the caller says which). Carriers go first, so people can name a carrier of
the same file. Good rows go in, each bad row is reported with its line number and why, and
a file imported twice changes nothing the second time: rows are matched on a natural key
and a row equal to what is stored is left alone (no new version, no event).

Natural keys:
- a carrier: its kind and its name (the Chinese name, or the English one when it has none),
  compared after NFKC normalisation, case folding and whitespace collapsing;
- a person: the e-mail address when the row has one; otherwise the name and the affiliation
  (the carrier, or the university when there is no carrier). A row with an e-mail that
  matches nobody by e-mail also matches a person of the same name and affiliation who has
  no e-mail yet (the import then records the address).

CSV cells with several values (fields, keywords, equipment, roles, languages) separate them
with ``;``, ``|``, ``、`` or a new line. A person names its carrier in ``carrier`` (its
name in Chinese or English, or its id), with ``carrier_kind`` when two carriers share a name.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from services.talent import domain
from services.talent.domain import SubjectType
from services.talent.repository import TalentRepository
from services.talent.schemas import CarrierCreate, ImportCounts, ImportReport, PersonCreate, RowProblem
from services.talent.usecases.profiles import (
    CARRIER_PROFILE,
    CONTACT_COLUMNS,
    PERSON_PROFILE,
    capacity_changed,
    carrier_columns,
    carrier_registered,
    carrier_updated,
    person_columns,
    person_registered,
    person_updated,
)
from shared.bulk import Format, SourceRow, read_rows, split_list, validation_errors
from shared.outbox import UnitOfWork, UnitOfWorkFactory

RECORD_TYPES = {"carrier": "carrier", "carriers": "carrier", "person": "person", "people": "person"}
CARRIER_LISTS = ("fields", "keywords", "equipment")
PERSON_LISTS = ("roles", "fields", "keywords", "languages")


class RowRejected(Exception):
    def __init__(self, reason: str, errors: list[dict[str, str]] | None = None, key: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or []
        self.key = key


@dataclass
class _Outcome:
    rows: int = 0
    carriers: ImportCounts = field(default_factory=ImportCounts)
    people: ImportCounts = field(default_factory=ImportCounts)
    problems: list[RowProblem] = field(default_factory=list)

    def reject(self, line: int, record: str | None, exc: RowRejected) -> None:
        self.problems.append(RowProblem(line=line, record=record, key=exc.key, reason=exc.reason, errors=exc.errors))

    def report(self) -> ImportReport:
        problems = sorted(self.problems, key=lambda p: p.line)
        return ImportReport(
            rows=self.rows,
            carriers=self.carriers,
            people=self.people,
            rejected=len(problems),
            problems=problems,
        )


def _validate(model: type[CarrierCreate] | type[PersonCreate], values: dict[str, Any], key: str | None) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        errors = validation_errors(exc)
        raise RowRejected("invalid " + ", ".join(e["field"] for e in errors), errors=errors, key=key) from exc


def _same(stored: dict[str, Any], new: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return all(stored.get(k) == new.get(k) for k in keys)


class CarrierIndex:
    """The carriers an import can refer to: stored ones and the file's new ones."""

    def __init__(self, refs: list[dict[str, Any]]) -> None:
        self.by_key: dict[str, list[uuid.UUID]] = defaultdict(list)
        self.by_name: dict[str, list[tuple[uuid.UUID, str]]] = defaultdict(list)
        self.ids: set[uuid.UUID] = set()
        for r in refs:
            self.add(r["id"], r["kind"], r["name_zh"], r["name_en"], r["name_key"])

    def add(self, cid: uuid.UUID, kind: str, name_zh: str | None, name_en: str | None, key: str) -> None:
        self.by_key[key].append(cid)
        self.ids.add(cid)
        for name in {domain.search_text(n) for n in (name_zh, name_en) if n}:
            self.by_name[name].append((cid, kind))

    def resolve(self, ref: str, kind: str | None) -> uuid.UUID:
        try:
            cid = uuid.UUID(ref)
        except ValueError:
            pass
        else:
            if cid in self.ids:
                return cid
            raise RowRejected(f"carrier {ref} is not registered", [{"field": "carrier", "message": "unknown id"}])
        found = {c for c, k in self.by_name.get(domain.search_text(ref), []) if kind is None or k == kind}
        if not found:
            raise RowRejected(
                f"no carrier is named {ref!r}" + (f" with kind {kind}" if kind else ""),
                [{"field": "carrier", "message": "unknown carrier"}],
            )
        if len(found) > 1:
            raise RowRejected(
                f"several carriers are named {ref!r}; add carrier_kind or give the carrier's id",
                [{"field": "carrier", "message": "ambiguous"}],
            )
        return next(iter(found))


class TalentImporter:
    """``progress(done, total)`` hears of every row handled (a terminal shows it: shared/progress.py)."""

    def __init__(self, uow: UnitOfWorkFactory, progress: Callable[[int, int], None] | None = None) -> None:
        self.uow = uow
        self.progress = progress
        self._done = self._total = 0

    def _handled(self) -> None:
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, self._total)

    async def run(self, data: bytes, fmt: Format, *, record_type: str | None = None) -> ImportReport:
        """Import one file; ``record_type`` (carriers or people) applies to rows without a ``type``."""
        default = RECORD_TYPES.get((record_type or "").strip().lower()) if record_type else None
        rows, unreadable = read_rows(data, fmt)
        out = _Outcome(rows=len(rows) + len(unreadable))
        self._done, self._total = len(unreadable), out.rows
        for bad in unreadable:
            out.problems.append(RowProblem(line=bad.line, record=None, key=None, reason=bad.reason, errors=bad.errors))
        by_type: dict[str, list[SourceRow]] = {"carrier": [], "person": []}
        for row in rows:
            values = dict(row.values)
            raw_type = values.pop("type", None) or values.pop("record", None)
            kind = RECORD_TYPES.get(str(raw_type).strip().lower()) if raw_type is not None else default
            if kind is None:
                reason = (
                    f"unknown record type {raw_type!r}: use carrier or person"
                    if raw_type is not None
                    else "say what the row is: a type column with carrier or person"
                )
                out.reject(row.line, None, RowRejected(reason, [{"field": "type", "message": reason}]))
                continue
            by_type[kind].append(SourceRow(row.line, values))
        async with self.uow() as uow:
            repo = TalentRepository(uow.conn)
            await repo.lock_imports()
            index = CarrierIndex(await repo.carrier_refs())
            await self._carriers(uow, repo, by_type["carrier"], index, out)
            await self._people(uow, repo, by_type["person"], index, out)
        return out.report()

    # -- carriers -----------------------------------------------------------------------------------
    async def _carriers(
        self, uow: UnitOfWork, repo: TalentRepository, rows: list[SourceRow], index: CarrierIndex, out: _Outcome
    ) -> None:
        if not rows:
            return
        valid: list[tuple[int, str, dict[str, Any]]] = []
        first_line: dict[str, tuple[int, dict[str, Any]]] = {}
        for row in rows:
            self._handled()
            values = dict(row.values)
            for name in CARRIER_LISTS:
                if name in values:
                    values[name] = split_list(values[name])
            key_hint = f"{values.get('kind')}|{values.get('name_zh') or values.get('name_en')}"
            try:
                data = _validate(CarrierCreate, values, key_hint)
            except RowRejected as exc:
                out.reject(row.line, "carrier", exc)
                continue
            cols = carrier_columns(data)
            key = cols["name_key"]
            if key in first_line:
                earlier, earlier_cols = first_line[key]
                if _same(earlier_cols, cols, CARRIER_PROFILE):
                    out.carriers.unchanged += 1  # the same row twice in one file
                else:
                    out.reject(
                        row.line,
                        "carrier",
                        RowRejected(f"line {earlier} has the same carrier (kind and name) with other values", key=key),
                    )
                continue
            matches = index.by_key.get(key, [])
            if len(matches) > 1:
                out.reject(
                    row.line,
                    "carrier",
                    RowRejected(f"{len(matches)} stored carriers have this kind and name; edit them by id", key=key),
                )
                continue
            first_line[key] = (row.line, cols)
            valid.append((row.line, key, cols))
        stored = {
            c["id"]: c
            for c in await repo.carriers_by_ids([index.by_key[k][0] for _, k, _ in valid if index.by_key.get(k)])
        }
        now = datetime.now(UTC)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for _line, key, cols in valid:
            ids = index.by_key.get(key)
            if not ids:
                values = {**cols, "id": uuid.uuid4(), "version": 1, "created_at": now, "updated_at": now}
                inserts.append(values)
                index.add(values["id"], values["kind"], values["name_zh"], values["name_en"], key)
                uow.emit(carrier_registered(values, now))
                continue
            current = stored[ids[0]]
            if _same(current, cols, (*CARRIER_PROFILE, "search_text")):
                out.carriers.unchanged += 1
                continue
            version = current["version"] + 1
            updates.append({"b_id": current["id"], **cols, "version": version, "updated_at": now})
            updated = {**current, **cols, "version": version}
            uow.emit(carrier_updated(updated, now))
            if updated["capacity"] != current["capacity"]:
                uow.emit(
                    capacity_changed(
                        SubjectType.CARRIER, current["id"], updated["capacity"], current["active_load"], now
                    )
                )
        await repo.insert_carriers(inserts)
        await repo.update_carriers(updates)
        out.carriers.created += len(inserts)
        out.carriers.updated += len(updates)

    # -- people -------------------------------------------------------------------------------------
    def _person_values(self, row: SourceRow, index: CarrierIndex) -> dict[str, Any]:
        values = dict(row.values)
        for name in PERSON_LISTS:
            if name in values:
                values[name] = split_list(values[name])
        contact = {k: values.pop(k) for k in CONTACT_COLUMNS if k in values}
        if isinstance(values.get("contact"), dict):
            contact = {**values.pop("contact"), **contact}
        if contact:
            values["contact"] = contact
        ref = values.pop("carrier", None)
        kind = values.pop("carrier_kind", None)
        if ref is not None and "carrier_id" not in values:
            values["carrier_id"] = index.resolve(str(ref), str(kind) if kind else None)
        elif values.get("carrier_id") is not None:
            values["carrier_id"] = index.resolve(str(values["carrier_id"]), None)
        return values

    async def _people(
        self, uow: UnitOfWork, repo: TalentRepository, rows: list[SourceRow], index: CarrierIndex, out: _Outcome
    ) -> None:
        if not rows:
            return
        valid: list[tuple[int, dict[str, Any]]] = []
        first_line: dict[str, tuple[int, dict[str, Any]]] = {}
        for row in rows:
            self._handled()
            hint = str(row.values.get("name") or "") or None
            try:
                data = _validate(PersonCreate, self._person_values(row, index), hint)
            except RowRejected as exc:
                exc.key = exc.key or hint
                out.reject(row.line, "person", exc)
                continue
            cols = person_columns(data)
            file_key = cols["email"] or cols["name_key"]
            if file_key in first_line:
                earlier, earlier_cols = first_line[file_key]
                if _same(earlier_cols, cols, PERSON_PROFILE):
                    out.people.unchanged += 1
                else:
                    out.reject(
                        row.line,
                        "person",
                        RowRejected(f"line {earlier} has the same person with other values", key=data.name),
                    )
                continue
            first_line[file_key] = (row.line, cols)
            valid.append((row.line, cols))

        emails = [c["email"] for _, c in valid if c["email"]]
        by_email = {p["email"]: p for p in await repo.people_by_emails(emails)}
        by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in await repo.people_by_name_keys(list({c["name_key"] for _, c in valid})):
            by_name[p["name_key"]].append(p)

        now = datetime.now(UTC)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        claimed: set[uuid.UUID] = set()
        for line, cols in valid:
            try:
                current = self._match_person(cols, by_email, by_name)
            except RowRejected as exc:
                out.reject(line, "person", exc)
                continue
            if current is not None and current["id"] in claimed:
                out.reject(
                    line,
                    "person",
                    RowRejected("another row of this file already updates this person", key=cols["name"]),
                )
                continue
            if current is None:
                values = {
                    **cols,
                    "id": uuid.uuid4(),
                    "active_load": 0,
                    "completed_contracts": 0,
                    "contract_value": Decimal("0.00"),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                inserts.append(values)
                uow.emit(person_registered(values, now))
                continue
            claimed.add(current["id"])
            for k in CONTACT_COLUMNS:  # an empty contact cell keeps what is stored
                if cols[k] is None:
                    cols[k] = current[k]
            if _same(current, cols, (*PERSON_PROFILE, "name_key", "search_text")):
                out.people.unchanged += 1
                continue
            version = current["version"] + 1
            updates.append({"b_id": current["id"], **cols, "version": version, "updated_at": now})
            updated = {**current, **cols, "version": version}
            uow.emit(person_updated(updated, now))
            if updated["capacity"] != current["capacity"]:
                uow.emit(
                    capacity_changed(
                        SubjectType.PERSON, current["id"], updated["capacity"], current["active_load"], now
                    )
                )
        await repo.insert_people(inserts)
        await repo.update_people(updates)
        out.people.created += len(inserts)
        out.people.updated += len(updates)

    @staticmethod
    def _match_person(
        cols: dict[str, Any], by_email: dict[str, dict[str, Any]], by_name: dict[str, list[dict[str, Any]]]
    ) -> dict[str, Any] | None:
        if cols["email"] and cols["email"] in by_email:
            return by_email[cols["email"]]
        namesakes = by_name.get(cols["name_key"], [])
        if cols["email"]:
            # Someone of this name and affiliation without an e-mail yet is this person.
            without = [p for p in namesakes if not p["email"]]
            return without[0] if len(without) == 1 else None
        if len(namesakes) > 1:
            raise RowRejected(
                f"{len(namesakes)} people named {cols['name']} share this affiliation; "
                "add their e-mail to tell them apart",
                key=cols["name"],
            )
        return namesakes[0] if namesakes else None
