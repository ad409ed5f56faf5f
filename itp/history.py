"""``itp import-history FILE``: an institute's past into the demand service's database.

Runs the demand service's history import (services.demand.history) on its database
(``ITP_DEMAND_DATABASE_URL``, else ``ITP_DATABASE_URL``), as ``itp import`` does for the talent
service: the events go to the outbox with their original times and the service's relay publishes
them. Whoever can run it holds the database's credentials: it is an operator's tool. Progress
goes to standard error; the report (every rejected row with its line number) to standard output.
Exit status: 0 when every row went in, 1 when some were rejected, 2 when the file is unreadable.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import orjson

from services.demand.history import HistoryImporter, HistoryReport, Progress
from services.demand.main import definition
from services.demand.service import DemandService
from shared.bulk import Format, RowError, SourceRow, UnreadableFile, format_for, read_rows
from shared.db import create_engine
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.progress import Progress as ProgressLine
from shared.relay import wake_relay
from shared.runtime import database_url_for
from shared.settings import ServiceSettings

DESCRIPTION = "Import an institute's past enterprises, centers and demands, with their real dates."


async def import_history(
    rows: list[SourceRow],
    unreadable: list[RowError] | None = None,
    *,
    database_url: str,
    progress: Progress | None = None,
) -> HistoryReport:
    engine = create_engine(database_url, pool_size=2)
    try:
        uow = UnitOfWorkFactory(engine, definition.outbox, source=f"/itp/{definition.name}", signal=OutboxSignal())
        report = await HistoryImporter(DemandService(uow)).run_rows(rows, unreadable, progress=progress)
        await wake_relay(engine)  # a running service's relay publishes the events now
        return report
    finally:
        await engine.dispose()


def render(report: HistoryReport) -> str:
    lines = [f"rows read: {report.rows}"]
    for name in ("enterprises", "centers", "demands", "published"):
        c = getattr(report, name)
        lines.append(f"{name + ':':13}{c.created} created, {c.unchanged} already imported")
    lines.append(f"rejected: {report.rejected}")
    for p in report.problems:
        lines.append(f"  line {p.line}" + (f" ({p.source_id})" if p.source_id else "") + f": {p.reason}")
        lines.extend(f"      {e['field']}: {e['message']}" for e in p.errors)
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a .csv, .jsonl or .ndjson file, or - for standard input")
    parser.add_argument("--format", choices=["csv", "jsonl"], help="needed for standard input or another extension")
    parser.add_argument("--database-url", help="default: the demand service's configured database")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    fmt: Format | None = args.format or format_for(filename=args.file)
    if fmt is None:
        parser.error("cannot tell the format from the file name; pass --format csv or --format jsonl")
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    url = args.database_url or database_url_for("demand", ServiceSettings(service_name="demand"))
    try:
        rows, unreadable = read_rows(data, fmt)
    except UnreadableFile as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    with ProgressLine("importing steps") as shown:
        report = asyncio.run(import_history(rows, unreadable, database_url=url, progress=shown.update))
    if args.json:
        print(orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_INDENT_2).decode())
    else:
        print(render(report))
    return 1 if report.rejected else 0
