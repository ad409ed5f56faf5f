"""``itp import-history FILE``: an institute's past into the databases of the services that own it.

Each row type goes to the service that owns it, through that service's history import
(shared.history's mechanics): enterprises, centers and demands to the demand service
(services.demand.history), the matches to the matching service (services.matching.history), the
funds and their investments, the contracts and their payments to the contracts service
(services.contracts.history), the jointly trained graduate students and postdocs to the talent
service (services.talent.history), on their databases (``ITP_<SERVICE>_DATABASE_URL``, else
``ITP_DATABASE_URL``), as ``itp import`` does for the talent service: the events go to each
outbox with their original times and the running services' relays publish them. A match needs its
demand in matching's read model and a contract its draft (made when the contracts service consumes
the MatchAccepted): those phases wait for the running services' consumers (bounded, with progress),
so the platform must be running for them. Whoever can run
it holds the databases' credentials: it is an operator's tool. Progress goes to standard error;
the report (every rejected row with its line number) to standard output. Exit status: 0 when
every row went in, 1 when some were rejected, 2 when the file is unreadable.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import orjson

from services.contracts.history import ContractsHistoryImporter
from services.contracts.main import definition as contracts_definition
from services.demand.history import DemandHistoryImporter
from services.demand.main import definition as demand_definition
from services.demand.service import DemandService
from services.matching.history import MatchingHistoryImporter
from services.matching.main import definition as matching_definition
from services.matching.service import MatchingService
from services.matching.settings import MatchingSettings
from services.talent.history import TalentHistoryImporter
from services.talent.main import definition as talent_definition
from shared.bulk import Format, RowError, SourceRow, UnreadableFile, format_for, read_rows
from shared.db import create_engine
from shared.history import HistoryImporter, HistoryReport
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.progress import Progress
from shared.relay import wake_relay
from shared.runtime import database_url_for
from shared.settings import ServiceSettings

DESCRIPTION = (
    "Import an institute's past (enterprises, centers, demands, matches, contracts, payments, funds, trainees) "
    "with their real dates."
)
# In this order: what a later service's rows refer to goes in first; the trainees before the demands,
# so that matching ranks each demand once against every person rather than re-ranks open demands
# for each trainee.
# The matches after the demands (matching must know them), the contracts after the matches (they sign
# the matches' drafts).
SERVICES = ("talent", "demand", "matching", "contracts")
COUNTS = (
    *("enterprises", "centers", "demands", "published", "matches", "contracts", "payments", "funds", "investments"),
    *("trainees", "placed", "graduated", "withdrawn"),
)


def importers(uows: dict[str, UnitOfWorkFactory], matching: MatchingService | None = None) -> list[HistoryImporter]:
    """Each service's history import, on its own units of work (matching's on ``matching``, the
    running service's when there is one in this process)."""
    return [
        TalentHistoryImporter(uows["talent"]),
        DemandHistoryImporter(DemandService(uows["demand"])),
        MatchingHistoryImporter(matching or MatchingService(uows["matching"], MatchingSettings())),
        ContractsHistoryImporter(uows["contracts"]),
    ]


async def import_rows(
    rows: Sequence[SourceRow],
    unreadable: list[RowError] | None,
    uows: dict[str, UnitOfWorkFactory],
    progress: Progress | None = None,
    matching: MatchingService | None = None,
    after_phase: Callable[[], Awaitable[None]] | None = None,
) -> HistoryReport:
    """The rows through each owning service's import, one report (``progress`` shows each phase);
    a later service's rows refer to what an earlier one's made (a match to its demand).
    ``after_phase``: what makes a phase's events go out at once (another process's relays woken)."""
    steps = importers(uows, matching)
    report: HistoryReport | None = None
    refs: dict[str, uuid.UUID] = {}
    for importer in steps:
        others = [t for other in steps if other is not importer for t in other.TYPES]
        if progress is not None:
            progress.restart(f"importing {', '.join(importer.TYPES)}")
        part = await importer.run_rows(
            rows,
            unreadable if report is None else None,
            progress=progress.update if progress is not None else None,
            others=others,
            report_unknown=report is None,
            refs=refs,
        )
        refs.update(importer.known)
        if after_phase is not None:
            await after_phase()  # the next phase may wait for the consumers of these events
        report = part if report is None else report.merge(part)
    assert report is not None
    return report


async def import_history(
    rows: list[SourceRow],
    unreadable: list[RowError] | None = None,
    *,
    database_urls: dict[str, str],
    progress: Progress | None = None,
) -> HistoryReport:
    definitions = {
        "demand": demand_definition,
        "matching": matching_definition,
        "contracts": contracts_definition,
        "talent": talent_definition,
    }
    engines = {name: create_engine(database_urls[name], pool_size=2) for name in SERVICES}
    try:
        uows = {
            name: UnitOfWorkFactory(
                engines[name], definitions[name].outbox, source=f"/itp/{name}", signal=OutboxSignal()
            )
            for name in SERVICES
        }

        async def wake() -> None:
            for engine in engines.values():
                await wake_relay(engine)  # a running service's relay publishes the events now

        return await import_rows(rows, unreadable, uows, progress, after_phase=wake)
    finally:
        for engine in engines.values():
            await engine.dispose()


def render(report: HistoryReport) -> str:
    lines = [f"rows read: {report.rows}"]
    for name in COUNTS:
        c = report.count(name)
        lines.append(f"{name + ':':13}{c.created} created, {c.unchanged} already imported")
    lines.append(f"rejected: {report.rejected}")
    for p in report.problems:
        lines.append(f"  line {p.line}" + (f" ({p.source_id})" if p.source_id else "") + f": {p.reason}")
        lines.extend(f"      {e['field']}: {e['message']}" for e in p.errors)
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a .csv, .jsonl or .ndjson file, or - for standard input")
    parser.add_argument("--format", choices=["csv", "jsonl"], help="needed for standard input or another extension")
    for name in SERVICES:
        parser.add_argument(f"--{name}-database-url", help=f"default: the {name} service's configured database")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    fmt: Format | None = args.format or format_for(filename=args.file)
    if fmt is None:
        parser.error("cannot tell the format from the file name; pass --format csv or --format jsonl")
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    urls = {
        name: getattr(args, f"{name}_database_url") or database_url_for(name, ServiceSettings(service_name=name))
        for name in SERVICES
    }
    try:
        rows, unreadable = read_rows(data, fmt)
    except UnreadableFile as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    with Progress("importing") as shown:
        report = asyncio.run(import_history(rows, unreadable, database_urls=urls, progress=shown))
    if args.json:
        print(orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_INDENT_2).decode())
    else:
        print(render(report))
    return 1 if report.rejected else 0
