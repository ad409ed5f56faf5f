"""Bulk onboarding from the command line: ``python -m services.talent.bulk_cli FILE``.

Imports carriers and people from a CSV or JSON Lines file straight into the talent
database (``ITP_TALENT_DATABASE_URL``, else ``ITP_DATABASE_URL``), through the same use case
as ``POST /api/v1/talent/imports``: one transaction, events written to the outbox (the
talent service's relay publishes them). Prints what was created, updated and left
unchanged, and every rejected row with its line number. Exit status: 0 when every row went
in, 1 when some rows were rejected, 2 when the file could not be read at all.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import orjson

from services.talent.imports import TalentImporter
from services.talent.main import definition
from services.talent.schemas import ImportReport
from shared.bulk import Format, UnreadableFile, format_for
from shared.db import create_engine
from shared.outbox import OutboxSignal, UnitOfWorkFactory
from shared.progress import Progress
from shared.relay import wake_relay
from shared.runtime import database_url_for
from shared.settings import ServiceSettings


async def import_file(
    data: bytes,
    fmt: Format,
    *,
    record_type: str | None,
    database_url: str,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    engine = create_engine(database_url, pool_size=2)
    try:
        uow = UnitOfWorkFactory(engine, definition.outbox, source="/itp/talent", signal=OutboxSignal())
        report = await TalentImporter(uow, progress).run(data, fmt, record_type=record_type)
        await wake_relay(engine)  # the service's relay publishes the events now, not at its next poll
        return report
    finally:
        await engine.dispose()


def render(report: ImportReport) -> str:
    lines = [
        f"rows read: {report.rows}",
        f"carriers: {report.carriers.created} created, {report.carriers.updated} updated, "
        f"{report.carriers.unchanged} unchanged",
        f"people:   {report.people.created} created, {report.people.updated} updated, "
        f"{report.people.unchanged} unchanged",
        f"rejected: {report.rejected}",
    ]
    for p in report.problems:
        where = f"line {p.line}" + (f" ({p.record})" if p.record else "")
        lines.append(f"  {where}: {p.reason}")
        lines.extend(f"      {e['field']}: {e['message']}" for e in p.errors)
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The importer's arguments (``itp import`` declares them with this too)."""
    parser.add_argument("file", help="a .csv, .jsonl or .ndjson file, or - for standard input")
    parser.add_argument("--type", choices=["carriers", "people"], help="the type of rows without a type column")
    parser.add_argument("--format", choices=["csv", "jsonl"], help="needed for standard input or another extension")
    parser.add_argument("--database-url", help="default: the talent service's configured database")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="itp import", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv), parser)


DESCRIPTION = "Import carriers and people (CSV or JSON Lines) into the talent service's database."


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    fmt: Format | None = args.format or format_for(filename=args.file)
    if fmt is None:
        parser.error("cannot tell the format from the file name; pass --format csv or --format jsonl")
    data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    url = args.database_url or database_url_for("talent", ServiceSettings(service_name="talent"))
    try:
        with Progress("importing rows") as shown:
            report = asyncio.run(import_file(data, fmt, record_type=args.type, database_url=url, progress=shown.update))
    except UnreadableFile as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_INDENT_2).decode())
    else:
        print(render(report))
    return 1 if report.rejected else 0


if __name__ == "__main__":
    raise SystemExit(main())
