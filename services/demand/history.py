"""The history import: an institute's past enterprises, centers and demands, with their real dates.

Each row says what it is (``type``: ``enterprise``, ``center`` or ``demand``) and carries the
identifier it has in the institute's own records (``source_id``), which is what makes the import
idempotent: a source record (and each step of it, such as a demand's publication) is recorded
once, and a file imported again changes nothing. Rows go in in the order things happened, each
step through the same use case as the API (``DemandService``), in a unit of work dated when it
happened: the rows carry that date and the events their CloudEvents ``time``, so projections
place 2019 in 2019. A bad row is reported with its line number and why; the others go in.

Columns (CSV or JSON Lines, shared.bulk):
- enterprise: ``source_id``, ``registered_at``, then the fields of ``POST /enterprises``
  (``contact_name``/``contact_email``/``contact_phone`` for the one contact of a CSV row);
  an enterprise already registered under the credit code is linked, not registered again;
- center: ``source_id``, ``enterprise`` (its source id), ``name``, ``established_on``,
  ``committed_funding``;
- demand: ``source_id``, ``enterprise``, ``center`` (optional), ``submitted_at``,
  ``published_at`` (optional), then the fields of ``POST /demands``. The deadline may have passed
  since (it must only follow ``submitted_at``), which the public create keeps refusing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from services.demand.domain import DemandAction
from services.demand.repository import DemandRepository
from services.demand.schemas import CenterCreate, DemandCreate, EnterpriseCreate
from services.demand.service import DemandService
from shared.bulk import Format, RowError, SourceRow, read_rows, split_list, validation_errors
from shared.outbox import UnitOfWork
from shared.problems import Problem

TYPES = ("enterprise", "center", "demand")
CENTER_COLUMNS = ("name", "established_on", "committed_funding", "status")
BATCH = 100  # steps per transaction
CHINA = timezone(timedelta(hours=8))  # a date alone is a day in the institute's time zone


class RowProblem(BaseModel):
    line: int
    source_id: str | None = None
    reason: str
    errors: list[dict[str, str]] = Field(default_factory=list)


class HistoryCounts(BaseModel):
    created: int = 0
    unchanged: int = 0


class HistoryReport(BaseModel):
    rows: int
    enterprises: HistoryCounts = Field(default_factory=HistoryCounts)
    centers: HistoryCounts = Field(default_factory=HistoryCounts)
    demands: HistoryCounts = Field(default_factory=HistoryCounts)
    published: HistoryCounts = Field(default_factory=HistoryCounts)
    rejected: int = 0
    problems: list[RowProblem] = Field(default_factory=list)


class Rejected(Exception):
    def __init__(self, reason: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or []


def _when(value: Any, column: str) -> datetime:
    """A time with its offset, or a date (midnight, China time), as UTC."""
    if isinstance(value, datetime):
        at = value
    else:
        text = str(value or "").strip()
        if not text:
            raise Rejected(f"{column} is required", [{"field": column, "message": "required"}])
        try:
            at = (
                datetime.combine(date.fromisoformat(text), time(), CHINA)
                if len(text) == 10
                else datetime.fromisoformat(text.replace("Z", "+00:00"))
            )
        except ValueError:
            raise Rejected(f"{column} is not a date or time", [{"field": column, "message": "not ISO 8601"}]) from None
    if at.tzinfo is None:
        raise Rejected(f"{column} has no time zone", [{"field": column, "message": "must carry an offset"}])
    return at.astimezone(UTC)


def _validate(model: type[BaseModel], values: dict[str, Any], now: datetime) -> Any:
    try:
        return model.model_validate(values, context={"now": now})
    except ValidationError as exc:
        errors = validation_errors(exc)
        raise Rejected("invalid " + ", ".join(e["field"] for e in errors), errors) from exc


def _problem(exc: Problem) -> Rejected:
    return Rejected(exc.detail, list(exc.extra.get("errors") or []))


@dataclass(order=True)
class _Step:
    at: datetime
    rank: int  # enterprises before their centers before their demands, at the same moment
    line: int
    kind: str = field(compare=False)
    row: SourceRow = field(compare=False)


Progress = Callable[[int, int], None]
_COUNTED_AS = {"enterprise": "enterprises", "center": "centers", "demand": "demands", "published": "published"}


class HistoryImporter:
    def __init__(self, service: DemandService) -> None:
        self.service = service
        self.uow = service.uow

    async def run(self, data: bytes, fmt: Format, *, progress: Progress | None = None) -> HistoryReport:
        rows, unreadable = read_rows(data, fmt)
        return await self.run_rows(rows, unreadable, progress=progress)

    async def run_rows(
        self, rows: list[SourceRow], unreadable: list[RowError] | None = None, *, progress: Progress | None = None
    ) -> HistoryReport:
        report = HistoryReport(rows=len(rows) + len(unreadable or []))
        for e in unreadable or []:
            report.problems.append(RowProblem(line=e.line, reason=e.reason, errors=e.errors))
        steps: list[_Step] = []
        for row in rows:
            try:
                steps.extend(self._steps(row))
            except Rejected as exc:
                self._reject(report, row, exc)
        steps.sort()
        async with self.uow.read() as conn:
            known = await DemandRepository(conn).imported([self._key(s) for s in steps])
        failed: set[int] = set()
        done = 0
        for start in range(0, len(steps), BATCH):
            chunk = steps[start : start + BATCH]
            # A batch is one transaction (the import's cost is mostly commits); a batch with a bad
            # row goes again one step per transaction, so only the bad row's steps stay out.
            if not await self._apply_batch(chunk, known, report):
                for step in chunk:
                    if step.line in failed:
                        continue
                    try:
                        await self._apply_batch([step], known, report, single=True)
                    except Rejected as exc:
                        failed.add(step.line)
                        self._reject(report, step.row, exc)
            done += len(chunk)
            if progress is not None:
                progress(done, len(steps))
        report.problems.sort(key=lambda p: p.line)
        report.rejected = len(report.problems)
        return report

    @staticmethod
    def _reject(report: HistoryReport, row: SourceRow, exc: Rejected) -> None:
        sid = row.values.get("source_id")
        report.problems.append(
            RowProblem(line=row.line, source_id=str(sid) if sid else None, reason=exc.reason, errors=exc.errors)
        )

    @staticmethod
    def _key(step: _Step) -> str:
        suffix = "#published" if step.kind == "published" else ""
        kind = "demand" if step.kind == "published" else step.kind
        return f"{kind}:{step.row.values['source_id']}{suffix}"

    def _steps(self, row: SourceRow) -> list[_Step]:
        v = row.values
        kind = str(v.get("type") or "").strip().lower()
        if kind not in TYPES:
            raise Rejected(f"type must be one of {', '.join(TYPES)}", [{"field": "type", "message": "unknown"}])
        if not v.get("source_id"):
            raise Rejected("source_id is required", [{"field": "source_id", "message": "required"}])
        if kind == "enterprise":
            return [_Step(_when(v.get("registered_at"), "registered_at"), 0, row.line, kind, row)]
        if kind == "center":
            return [_Step(_when(v.get("established_on"), "established_on"), 1, row.line, kind, row)]
        steps = [_Step(_when(v.get("submitted_at"), "submitted_at"), 2, row.line, kind, row)]
        if v.get("published_at"):
            published = _when(v["published_at"], "published_at")
            if published < steps[0].at:
                raise Rejected("published_at is before submitted_at", [{"field": "published_at", "message": "early"}])
            steps.append(_Step(published, 3, row.line, "published", row))
        return steps

    def _ref(self, known: dict[str, uuid.UUID], kind: str, value: Any, column: str) -> uuid.UUID:
        found = known.get(f"{kind}:{value}")
        if found is None:
            raise Rejected(
                f"{column} {value!r} is no {kind} imported before",
                [{"field": column, "message": f"unknown {kind} source_id"}],
            )
        return found

    async def _apply_batch(
        self, steps: list[_Step], known: dict[str, uuid.UUID], report: HistoryReport, *, single: bool = False
    ) -> bool:
        """Apply ``steps`` in one unit of work, each dated when it happened. False (nothing applied)
        when one of them is rejected, unless ``single``: then the rejection is raised."""
        staged = dict(known)
        outcome: list[tuple[str, bool]] = []  # (counted as, created)
        try:
            async with self.uow(occurred_at=steps[0].at) as uow:
                for step in steps:
                    uow.occurred_at = step.at
                    outcome.append((_COUNTED_AS[step.kind], await self._apply(uow, step, staged)))
                    uow.events_rows()  # the step's events carry the step's time
                    await uow.flush()  # and its rows are there for the next step to read
        except Problem as exc:
            if single:
                raise _problem(exc) from exc
            return False
        except Rejected:
            if single:
                raise
            return False
        known.update(staged)
        for counted_as, created in outcome:
            counts: HistoryCounts = getattr(report, counted_as)
            if created:
                counts.created += 1
            else:
                counts.unchanged += 1
        return True

    async def _apply(self, uow: UnitOfWork, step: _Step, known: dict[str, uuid.UUID]) -> bool:
        """One step through the service's use case; False if it was imported before."""
        key = self._key(step)
        if key in known:
            return False
        v = dict(step.row.values)
        if step.kind == "enterprise":
            entity_id = await self._enterprise(uow, v, step.at)
        elif step.kind == "center":
            enterprise_id = self._ref(known, "enterprise", v.get("enterprise"), "enterprise")
            values: dict[str, Any] = {k: v[k] for k in CENTER_COLUMNS if k in v}
            center = await self.service.establish_center(uow, enterprise_id, _validate(CenterCreate, values, step.at))
            entity_id = center["id"]
        elif step.kind == "demand":
            entity_id = await self._demand(uow, v, known, step.at)
        else:
            entity_id = self._ref(known, "demand", v["source_id"], "source_id")
            await self.service.transition(entity_id, DemandAction.PUBLISH, uow=uow)
        DemandRepository.record_import(uow, key, entity_id, step.at)
        known[key] = entity_id
        return True

    async def _enterprise(self, uow: UnitOfWork, v: dict[str, Any], at: datetime) -> uuid.UUID:
        fields = set(EnterpriseCreate.model_fields) - {"contacts"}
        values: dict[str, Any] = {k: v[k] for k in fields if k in v}
        contacts = v.get("contacts")
        if contacts is None and v.get("contact_name"):
            contacts = [{k: v[f"contact_{k}"] for k in ("name", "email", "phone") if v.get(f"contact_{k}")}]
        values["contacts"] = contacts or []
        data = _validate(EnterpriseCreate, values, at)
        existing = await DemandRepository(uow.conn).enterprise_by_credit_code(data.credit_code)
        if existing is not None:
            return existing  # registered before the import (or by hand): linked, not registered again
        return (await self.service.register_enterprise(uow, data))["id"]

    async def _demand(self, uow: UnitOfWork, v: dict[str, Any], known: dict[str, uuid.UUID], at: datetime) -> uuid.UUID:
        values: dict[str, Any] = {k: v[k] for k in DemandCreate.model_fields if k in v and k != "enterprise_id"}
        values["enterprise_id"] = self._ref(known, "enterprise", v.get("enterprise"), "enterprise")
        if v.get("center"):
            values["center_id"] = self._ref(known, "center", v["center"], "center")
        for name in ("fields", "keywords"):
            if name in values:
                values[name] = split_list(values[name])
        if "contact" not in values and v.get("contact_name"):
            values["contact"] = {"name": v["contact_name"]}
        values["submit"] = True
        demand = await self.service.create_demand(uow, _validate(DemandCreate, values, at))
        return demand.id
