"""The history import's mechanics, shared by every service that imports its past.

A service's importer (``services.<name>.history``) says which row types it takes, the steps each
row makes (each with the moment it happened) and how one step goes through its own use case.
This module does the rest, the same way everywhere: rows go in in the order things happened,
in units of work dated when they happened (rows carry that date, events their CloudEvents
``time``); each step is recorded under its source key in the service's ``imported_records``
table in the same transaction, so a file imported again changes nothing; a bad row is reported
with its line number and why while the others go in; progress is reported as steps are done.
"""

from __future__ import annotations

import asyncio
import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field, ValidationError

from shared.bulk import Format, RowError, SourceRow, read_rows, validation_errors
from shared.db import UTCDateTime
from shared.outbox import UnitOfWork, UnitOfWorkFactory
from shared.problems import Problem

BATCH = 100  # steps per transaction
POLL_S = 0.2  # how often a batch waiting for other services' events looks again
CHINA = timezone(timedelta(hours=8))  # a date alone is a day in the institute's time zone

Progress = Callable[[int, int], None]


def imported_records_table(metadata: sa.MetaData) -> sa.Table:
    """What a history import recorded: one row per source record and step, and what it became."""
    return sa.Table(
        "imported_records",
        metadata,
        sa.Column("source_key", sa.String(200), primary_key=True),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
    )


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
    counts: dict[str, HistoryCounts] = Field(default_factory=dict, description="By what was imported")
    rejected: int = 0
    problems: list[RowProblem] = Field(default_factory=list)

    def count(self, name: str) -> HistoryCounts:
        return self.counts.setdefault(name, HistoryCounts())

    def merge(self, other: HistoryReport) -> HistoryReport:
        """One report of two imports of the same file (each took its own row types)."""
        counts = dict(self.counts)
        counts.update(other.counts)
        problems = sorted([*self.problems, *other.problems], key=lambda p: p.line)
        return HistoryReport(rows=self.rows, counts=counts, rejected=len(problems), problems=problems)


class Rejected(Exception):
    def __init__(self, reason: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or []


def when(value: Any, column: str) -> datetime:
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


def validate(model: type[BaseModel], values: dict[str, Any], now: datetime) -> Any:
    """``values`` as the use case's input, validated as the API would at ``now``."""
    try:
        return model.model_validate(values, context={"now": now})
    except ValidationError as exc:
        errors = validation_errors(exc)
        raise Rejected("invalid " + ", ".join(e["field"] for e in errors), errors) from exc


async def present(conn: Any, column: sa.Column[Any], ids: set[uuid.UUID], *where: Any) -> set[uuid.UUID]:
    """Which of ``ids`` are in ``column`` (of rows meeting ``where``): what an import waits for
    from another service's events, looked up with a query per 500 ids."""
    found: set[uuid.UUID] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        query = sa.select(column).where(column.in_(wanted[start : start + 500]), *where)
        found.update(r[0] for r in await conn.execute(query))
    return found


@dataclass(order=True)
class Step:
    at: datetime
    rank: int  # what comes first at the same moment (an enterprise before its demands)
    line: int
    kind: str = field(compare=False)  # what the step counts as in the report
    row: SourceRow = field(compare=False)
    key: str = field(compare=False)  # the source key it is recorded under


class HistoryImporter(ABC):
    """One service's history import: its row types, their steps, and each step's use case."""

    TYPES: tuple[str, ...] = ()

    WAIT_S = 300.0  # how long an import waits in all for what it needs from other services' events

    def __init__(self, uow: UnitOfWorkFactory, records: sa.Table) -> None:
        self.uow = uow
        self.records = records
        self.known: dict[str, uuid.UUID] = {}  # after a run: what each source key became

    async def prepare(self, steps: list[Step], known: dict[str, uuid.UUID], deadline: float) -> None:
        """Before a batch of steps goes in: wait for what it needs that another service's events
        bring (``wait_until``); a step whose need never came is then rejected as its row's error.
        Called batch by batch, so the first batches go in while the later ones' needs still arrive."""
        return None

    async def wait_until(self, missing: Callable[[], Awaitable[int]], deadline: float) -> None:
        """Poll until ``missing()`` says nothing is missing, or the import's ``deadline`` (its
        loop's time, WAIT_S after it began) has passed."""
        loop = asyncio.get_running_loop()
        while True:
            if not await missing() or loop.time() >= deadline:
                return
            await asyncio.sleep(POLL_S)

    @abstractmethod
    def steps(self, kind: str, row: SourceRow) -> list[Step]:
        """The steps ``row`` (of type ``kind``) makes; raises Rejected for a row that cannot go in."""

    @abstractmethod
    async def apply(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        """One step through the service's use case; what it made (or acted on)."""

    async def run(
        self, data: bytes, fmt: Format, *, progress: Progress | None = None, others: Sequence[str] = ()
    ) -> HistoryReport:
        rows, unreadable = read_rows(data, fmt)
        return await self.run_rows(rows, unreadable, progress=progress, others=others)

    async def run_rows(
        self,
        rows: Sequence[SourceRow],
        unreadable: list[RowError] | None = None,
        *,
        progress: Progress | None = None,
        others: Sequence[str] = (),
        report_unknown: bool = True,
        refs: dict[str, uuid.UUID] | None = None,
    ) -> HistoryReport:
        """Import the rows of this importer's types; rows of the ``others`` types are another
        service's (skipped here), any other type is reported (unless ``report_unknown`` is false:
        another service's import reports it). ``refs``: what other services' imports of the
        same file made (their ``known``), for rows that refer to it."""
        report = HistoryReport(rows=len(rows) + len(unreadable or []))
        for e in unreadable or []:
            report.problems.append(RowProblem(line=e.line, reason=e.reason, errors=e.errors))
        steps: list[Step] = []
        for row in rows:
            kind = str(row.values.get("type") or "").strip().lower()
            if kind in others or (kind not in self.TYPES and not report_unknown):
                continue
            try:
                if kind not in self.TYPES:
                    names = ", ".join(sorted({*self.TYPES, *others}))
                    raise Rejected(f"type must be one of {names}", [{"field": "type", "message": "unknown"}])
                if not row.values.get("source_id"):
                    raise Rejected("source_id is required", [{"field": "source_id", "message": "required"}])
                steps.extend(self.steps(kind, row))
            except Rejected as exc:
                self._reject(report, row, exc)
        steps.sort()
        async with self.uow.read() as conn:
            known = {**(refs or {}), **await self._imported(conn, [s.key for s in steps])}
        deadline = asyncio.get_running_loop().time() + self.WAIT_S
        failed: set[int] = set()
        done = 0
        for start in range(0, len(steps), BATCH):
            chunk = steps[start : start + BATCH]
            await self.prepare(chunk, known, deadline)
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
        self.known = known
        return report

    @staticmethod
    def ref(known: dict[str, uuid.UUID], kind: str, value: Any, column: str) -> uuid.UUID:
        """The entity a source record imported before became (``column`` names it in the row)."""
        found = known.get(f"{kind}:{value}")
        if found is None:
            raise Rejected(
                f"{column} {value!r} is no {kind} imported before",
                [{"field": column, "message": f"unknown {kind} source_id"}],
            )
        return found

    @staticmethod
    def _reject(report: HistoryReport, row: SourceRow, exc: Rejected) -> None:
        sid = row.values.get("source_id")
        report.problems.append(
            RowProblem(line=row.line, source_id=str(sid) if sid else None, reason=exc.reason, errors=exc.errors)
        )

    async def _imported(self, conn: Any, keys: list[str]) -> dict[str, uuid.UUID]:
        out: dict[str, uuid.UUID] = {}
        c = self.records.c
        for start in range(0, len(keys), 500):
            rows = await conn.execute(
                sa.select(c.source_key, c.entity_id).where(c.source_key.in_(keys[start : start + 500]))
            )
            out.update({r.source_key: r.entity_id for r in rows})
        return out

    async def _apply_batch(
        self, steps: list[Step], known: dict[str, uuid.UUID], report: HistoryReport, *, single: bool = False
    ) -> bool:
        """Apply ``steps`` in one unit of work, each dated when it happened. False (nothing applied)
        when one of them is rejected, unless ``single``: then the rejection is raised."""
        staged = dict(known)
        outcome: list[tuple[str, bool]] = []  # (counted as, created)
        try:
            async with self.uow(occurred_at=steps[0].at) as uow:
                for step in steps:
                    if step.key in staged:
                        outcome.append((step.kind, False))
                        continue
                    uow.occurred_at = step.at
                    entity_id = await self.apply(uow, step, staged)
                    # Recorded at commit with the step's rows and events; a second import of the
                    # same record in the meantime breaks the primary key and rolls the step back.
                    uow.add(
                        self.records,
                        {"source_key": step.key, "entity_id": entity_id, "imported_at": step.at},
                        on_integrity_error=Problem(409, "already-imported", f"{step.key} was imported meanwhile"),
                    )
                    staged[step.key] = entity_id
                    outcome.append((step.kind, True))
                    uow.events_rows()  # the step's events carry the step's time
                    await uow.flush()  # and its rows are there for the next step to read
        except Problem as exc:
            if single:
                raise Rejected(exc.detail, list(exc.extra.get("errors") or [])) from exc
            return False
        except Rejected:
            if single:
                raise
            return False
        known.update(staged)
        for counted_as, created in outcome:
            counts = report.count(counted_as)
            if created:
                counts.created += 1
            else:
                counts.unchanged += 1
        return True
