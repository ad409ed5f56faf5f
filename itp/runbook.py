"""The on-call commands (docs/operations.md, "Alerts and runbook"): what is stuck, and the repair.

``itp dlq list|show|redrive|purge``, ``itp outbox status``, ``itp consumers lag``, ``itp migrate
status|check`` and ``itp topics describe|verify``; each prints a table, or JSON with ``--json``,
and exits non-zero when what it checks is not healthy (``migrate check``, ``topics verify``) or
when it cannot reach what it reports on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from itp.services import DATA_SERVICES, MIGRATED, definition, migrations_dir
from shared.progress import Progress
from shared.settings import ServiceSettings


def _emit(args: argparse.Namespace, doc: Any, rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
        return
    table = [list(map(str, header)), *[["-" if v is None else str(v) for v in r] for r in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _services(names: list[str]) -> list[str]:
    return list(DATA_SERVICES) if not names or "all" in names else names


# -- dead letters ---------------------------------------------------------------------------------


def cmd_dlq(args: argparse.Namespace) -> None:
    from shared.dlq import DeadLetters, dlq_topics

    settings = ServiceSettings()
    dlqs = dlq_topics(args.topic)

    async def run() -> int:
        async with DeadLetters(settings) as letters:
            if args.action == "list":
                found = [d.summary() async for d in letters.waiting(dlqs)]
                rows = [
                    (d["ref"], d["event"].get("type"), d["event"].get("id"), d["consumer"], (d["error"] or "")[:80])
                    for d in found
                ]
                _emit(args, found, rows, ("ref", "event type", "event id", "consumer", "error"))
                return 0
            if args.action == "show":
                if not args.ref:
                    sys.exit("give the dead letter's ref (topic:partition:offset, as `itp dlq list` prints it)")
                letter = await letters.find(args.ref)
                if letter is None:
                    print(f"no dead letter at {args.ref}", file=sys.stderr)
                    return 1
                detail = letter.detail()
                fields: list[tuple[str, str]] = [(k, json.dumps(v, ensure_ascii=False)) for k, v in detail.items()]
                _emit(args, detail, fields, ("field", "value"))
                return 0
            if args.action == "redrive":
                with Progress("redriving dead letters") as progress:
                    redriven = await letters.redrive(dlqs, limit=args.limit, progress=progress)
                doc = {"redriven": [d.summary() for d in redriven]}
                done = [(d.ref, d.original_topic, d.summary()["event"].get("id")) for d in redriven]
                _emit(args, doc, done, ("redriven", "to topic", "event id"))
                if not args.json:
                    print(f"{len(redriven)} dead letter(s) published again", file=sys.stderr)
                return 0
            # purge
            if not args.topic or not args.yes:
                sys.exit("purge sets dead letters aside for good: name each --topic and confirm with --yes")
            n = await letters.purge(dlqs)
            _emit(args, {"purged": n, "topics": dlqs}, [(n, ", ".join(dlqs))], ("purged", "topics"))
            return 0

    sys.exit(asyncio.run(run()))


# -- outbox ---------------------------------------------------------------------------------------


def cmd_outbox(args: argparse.Namespace) -> None:
    from shared.db import create_engine
    from shared.runtime import database_url_for
    from shared.telemetry import outbox_backlog

    async def one(name: str) -> dict[str, Any]:
        d = definition(name)
        engine = create_engine(database_url_for(name, ServiceSettings(service_name=name)), pool_size=1)
        try:
            async with engine.connect() as conn:
                pending, oldest = await outbox_backlog(conn, d.outbox)
        except Exception as exc:
            return {"service": name, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
        finally:
            await engine.dispose()
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        return {"service": name, "pending": pending, "oldest_pending_age_s": round(age, 1), "oldest_pending": oldest}

    async def run() -> list[dict[str, Any]]:
        return [await one(n) for n in _services(args.services)]

    report = asyncio.run(run())
    rows = [(r["service"], r.get("pending"), r.get("oldest_pending_age_s"), r.get("error")) for r in report]
    _emit(args, report, rows, ("service", "pending", "oldest age (s)", "error"))
    sys.exit(1 if any("error" in r for r in report) else 0)


# -- consumers ------------------------------------------------------------------------------------


def cmd_consumers(args: argparse.Namespace) -> None:
    from shared.bus.admin import KafkaAdmin
    from shared.events import topics

    async def run() -> list[dict[str, Any]]:
        out = []
        async with KafkaAdmin(ServiceSettings()) as admin:
            for name in _services(args.services):
                for spec in definition(name).consumers:
                    group = topics.consumer_group(name, spec.name)
                    for p in await admin.group_lag(group, spec.topics):
                        out.append(
                            {
                                "service": name,
                                "group": group,
                                "topic": p.topic,
                                "partition": p.partition,
                                "committed": p.committed,
                                "end": p.end,
                                "lag": p.lag,
                            }
                        )
        return out

    report = asyncio.run(run())
    rows = [(r["group"], r["topic"], r["partition"], r["committed"], r["end"], r["lag"]) for r in report]
    _emit(args, report, rows, ("group", "topic", "partition", "committed", "end", "lag"))


# -- migrations -----------------------------------------------------------------------------------


def migrate_report(args: argparse.Namespace) -> None:
    """``itp migrate status|check [SERVICE...]``: each database's revision against this release's head."""
    import sqlalchemy as sa

    from shared.db import create_engine
    from shared.migrations import revisions
    from shared.runtime import database_url_for

    async def one(name: str) -> dict[str, Any]:
        known = revisions(migrations_dir(name))
        engine = create_engine(database_url_for(name, ServiceSettings(service_name=name)), pool_size=1)
        try:
            async with engine.connect() as conn:
                has_table = await conn.run_sync(lambda c: sa.inspect(c).has_table("alembic_version"))
                current = (
                    sorted((await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).scalars())
                    if has_table
                    else []
                )
        except Exception as exc:
            return {"service": name, "state": "unreachable", "error": f"{type(exc).__name__}: {exc}"[:200]}
        finally:
            await engine.dispose()
        if set(current) == known.heads:
            state = "at head"
        elif not current:
            state = "not migrated"
        elif not set(current) <= known.known:
            state = "ahead (a later release's revision)"
        else:
            state = "behind"
        return {"service": name, "state": state, "current": current, "head": sorted(known.heads)}

    async def run() -> list[dict[str, Any]]:
        names = args.services[1:]
        return [await one(n) for n in (MIGRATED if not names or "all" in names else names)]

    report = asyncio.run(run())
    rows = [(r["service"], r["state"], ",".join(r.get("current") or []), ",".join(r.get("head") or [])) for r in report]
    _emit(args, report, rows, ("service", "state", "current", "head"))
    if args.services[0] == "check":
        sys.exit(0 if all(r["state"] == "at head" for r in report) else 1)


# -- topics ---------------------------------------------------------------------------------------


def topics_report(args: argparse.Namespace) -> None:
    """``itp topics describe|verify``: the topics as the broker has them, against the settings."""
    from shared.bus.admin import KafkaAdmin
    from shared.bus.kafka import TopicSpec
    from shared.events import topics

    settings = ServiceSettings()
    spec = TopicSpec.of(settings)
    names = [t for base in topics.ALL for t in (base, topics.dlq(base))]

    async def run() -> dict[str, Any]:
        async with KafkaAdmin(settings) as admin:
            return await admin.describe(names)

    found = asyncio.run(run())
    report: list[dict[str, Any]] = []
    for name in names:
        info = found.get(name)
        problems: list[str] = []
        if info is None:
            problems.append("missing (itp topics create)")
        else:
            if info.partitions < spec.partitions:
                problems.append(f"{info.partitions} partitions, expected {spec.partitions}")
            if info.replication_factor < spec.replication_factor:
                problems.append(f"replication {info.replication_factor}, expected {spec.replication_factor}")
            isr = int(info.configs.get("min.insync.replicas", "1"))
            if isr < spec.min_insync_replicas:
                problems.append(f"min.insync.replicas {isr}, expected {spec.min_insync_replicas}")
            if info.configs.get("retention.ms") != str(spec.retention_ms):
                problems.append(f"retention.ms {info.configs.get('retention.ms')}, expected {spec.retention_ms}")
            if info.under_replicated:
                problems.append(f"{info.under_replicated} under-replicated partition(s)")
        report.append(
            {
                "topic": name,
                "partitions": info.partitions if info else None,
                "replication_factor": info.replication_factor if info else None,
                "min_insync_replicas": info.configs.get("min.insync.replicas") if info else None,
                "retention_ms": info.configs.get("retention.ms") if info else None,
                "problems": problems,
            }
        )
    rows = [
        (
            r["topic"],
            r["partitions"],
            r["replication_factor"],
            r["min_insync_replicas"],
            r["retention_ms"],
            "; ".join(r["problems"]) or "ok",
        )
        for r in report
    ]
    _emit(args, report, rows, ("topic", "partitions", "replication", "min ISR", "retention.ms", "state"))
    if args.action == "verify":
        sys.exit(1 if any(r["problems"] for r in report) else 0)


def add_commands(sub: Any) -> None:
    """Register ``dlq``, ``outbox`` and ``consumers`` on the ``itp`` command."""
    d = sub.add_parser(
        "dlq",
        help="dead letters: list, show, redrive (publish again to the original topic) or purge",
        description="Dead letters wait in <topic>.dlq until redriven or purged (docs/operations.md). "
        "redrive publishes each waiting one again to its original topic with its original key and "
        "headers; consumers skip what they already applied, so it is applied once.",
    )
    d.add_argument("action", choices=["list", "show", "redrive", "purge"])
    d.add_argument("ref", nargs="?", help="show: the dead letter, topic:partition:offset as `list` prints it")
    d.add_argument(
        "--topic", action="append", help="a topic or its .dlq (repeatable); default: every DLQ of the platform"
    )
    d.add_argument("--limit", type=int, help="redrive: at most this many per partition, oldest first")
    d.add_argument("--yes", action="store_true", help="purge: confirm")
    _json_flag(d)
    d.set_defaults(func=cmd_dlq)

    o = sub.add_parser(
        "outbox",
        help="the outbox backlog of each service: rows not yet published and the age of the oldest",
        description="Exit status 1 when a database cannot be read.",
    )
    o.add_argument("action", choices=["status"])
    o.add_argument("services", nargs="*", help="service names (default: all)")
    _json_flag(o)
    o.set_defaults(func=cmd_outbox)

    c = sub.add_parser(
        "consumers",
        help="how far each consumer group is behind, per topic and partition (committed offsets)",
    )
    c.add_argument("action", choices=["lag"])
    c.add_argument("services", nargs="*", help="service names (default: all)")
    _json_flag(c)
    c.set_defaults(func=cmd_consumers)
