"""``itp``: the project's commands (migrate, topics, serve, embedded, stack, jobs, demo data)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

from itp.services import ALL_SERVICES, DATA_SERVICES, MIGRATED, definition, migrations_dir
from shared.settings import ServiceSettings

REPO = Path(__file__).resolve().parent.parent


def _settings(service: str) -> ServiceSettings:
    return ServiceSettings(service_name=service)


def cmd_migrate(args: argparse.Namespace) -> None:
    from shared.migrations import downgrade, upgrade
    from shared.runtime import database_url_for

    if args.services[0] in ("status", "check"):
        from itp.runbook import migrate_report

        migrate_report(args)
        return
    names = MIGRATED if "all" in args.services else args.services
    for name in names:
        if name not in MIGRATED:
            sys.exit(f"unknown service {name!r}; choose from {', '.join(MIGRATED)}")
        url = database_url_for(name, _settings(name))
        if args.downgrade:
            downgrade(migrations_dir(name), url, args.revision or "base")
        else:
            upgrade(migrations_dir(name), url, args.revision or "head")
        print(f"migrated {name}: {_redact(url)}")


def cmd_makemigration(args: argparse.Namespace) -> None:
    from alembic import command

    from shared.migrations import alembic_config
    from shared.runtime import database_url_for

    cfg = alembic_config(migrations_dir(args.service), database_url_for(args.service, _settings(args.service)))
    command.revision(cfg, message=args.message, autogenerate=True)


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def cmd_topics(args: argparse.Namespace) -> None:
    from shared.bus.kafka import KafkaBus, TopicSpec
    from shared.events import topics

    if args.action != "create":
        from itp.runbook import topics_report

        topics_report(args)
        return
    s = ServiceSettings()
    names = [t for base in topics.ALL for t in (base, topics.dlq(base))]
    spec = TopicSpec.of(s)
    if args.partitions:
        spec = dataclasses.replace(spec, partitions=args.partitions)

    async def run() -> None:
        await KafkaBus.from_settings(s, client_id="itp-topics").ensure_topics(names, spec)

    asyncio.run(run())
    print(
        f"topics ready ({spec.partitions} partitions, replication {spec.replication_factor}, "
        f"min.insync.replicas {spec.min_insync_replicas}):",
        ", ".join(names),
    )


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from shared.logs import configure_logging
    from shared.tracing import configure_tracing

    configure_logging(ServiceSettings(), args.service)
    configure_tracing(args.service)
    if args.service == "gateway":
        from itp.openapi import platform_document
        from services.gateway.main import create_gateway_app

        app = create_gateway_app(contract=platform_document)
    else:
        from shared.bus.kafka import KafkaBus
        from shared.bus.memory import InMemoryBus
        from shared.runtime import create_service_app

        s = ServiceSettings(service_name=args.service)
        bus = KafkaBus.from_settings(s, client_id=f"itp-{args.service}") if s.mode == "kafka" else InMemoryBus()
        app = create_service_app(definition(args.service), s, bus)
    from shared.runtime import tune_gc_for_serving

    tune_gc_for_serving()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        log_config=None,  # uvicorn logs through our handler (shared/logs.py), as JSON too
        access_log=False,
        loop="uvloop",
        http="httptools",
        timeout_graceful_shutdown=5,  # an open event stream must not hold a shutdown
    )


def cmd_embedded(args: argparse.Namespace) -> None:
    from itp import embedded
    from shared.logs import configure_logging
    from shared.tracing import configure_tracing

    settings = ServiceSettings()
    # Quiet by default (no access lines) unless ITP_LOG_LEVEL asks for more.
    configure_logging(settings, "embedded", level=None if "ITP_LOG_LEVEL" in os.environ else "WARNING")
    configure_tracing("embedded")
    _require_migrated(args.data_dir)
    platform, apps = embedded.build_apps(
        host=args.host, gateway_port=args.port, first_service_port=args.port + 1, data_dir=args.data_dir
    )

    async def main() -> None:
        started = asyncio.Event()
        server = asyncio.create_task(embedded.serve(apps, args.host, started, handle_signals=True))
        await started.wait()
        base = platform.gateway_url
        print(
            f"\nITP platform (embedded: SQLite in {args.data_dir}/, in-process event bus) is up.\n"
            f"  API:      {base}/api/v1/   e.g. {base}/api/v1/demands\n"
            f"  API docs: {base}/docs   (OpenAPI: {base}/openapi.json)\n"
            f"  A development token (operator, 12 h):\n    {_dev_token()}\n"
            f"  e.g. curl -H 'Authorization: Bearer <token>' {base}/api/v1/demands\n"
            f"Press Ctrl+C to stop.",
            flush=True,
        )
        if args.demo:
            # Served while it loads: the dashboard shows the record arriving.
            demo = asyncio.create_task(_load_demo_in_process(apps))
        await server
        if args.demo:
            demo.cancel()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


async def _load_demo_in_process(apps: dict[str, Any]) -> None:
    """The demo record through each service's own units of work (its relay publishes the events);
    says when it is all in, how long it took and each phase's part."""
    import time

    from itp.demo import load
    from shared.progress import Progress

    started = time.monotonic()
    print("loading the institute's 2019-2020 record (itp demo-data) ...", flush=True)
    shown = Progress("generating", enabled=False)
    try:
        n = await load(
            {name: apps[name][0].state.runtime.uow for name in ("demand", "talent", "matching", "contracts")},
            progress=shown,
            matching=apps["matching"][0].state.runtime.service,
        )
    except Exception as exc:  # the platform stays up; say why the record is missing
        print(f"demo data not loaded: {exc!r}", file=sys.stderr, flush=True)
        return
    phases = ", ".join(f"{what.removeprefix('importing ')} {s:.0f} s" for what, s in shown.phases())
    print(f"demo data loaded in {time.monotonic() - started:.0f} s ({phases}): {n}", flush=True)


def _dev_token() -> str:
    from datetime import timedelta

    from shared.auth import issue_token

    return issue_token(ServiceSettings(), subject="embedded-operator", roles=["operator"], ttl=timedelta(hours=12))


def _require_migrated(data_dir: str) -> None:
    """The embedded run never migrates by itself: migrations are their own step."""
    import sqlite3

    missing = []
    for name in MIGRATED:
        path = Path(data_dir) / f"{name}.db"
        ok = path.exists()
        if ok:
            with sqlite3.connect(path) as db:
                ok = bool(
                    db.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
                    ).fetchone()
                )
        if not ok:
            missing.append(name)
    if missing:
        sys.exit(
            f"databases not migrated: {', '.join(missing)}; run "
            f"ITP_DATABASE_URL=sqlite+aiosqlite:///{data_dir}/{{service}}.db itp migrate all"
        )


def cmd_stack(args: argparse.Namespace) -> None:
    """Each service in its own process on PostgreSQL and Kafka, as in production, kept up."""
    from itp.supervisor import Child, Supervisor

    env = {**os.environ, "ITP_MODE": "kafka"}
    ports = {name: args.port + 1 + i for i, name in enumerate(DATA_SERVICES)}
    ports["gateway"] = args.port
    for n in DATA_SERVICES:
        env[f"ITP_{n.upper()}_URL"] = f"http://127.0.0.1:{ports[n]}"
    names = args.services or list(ALL_SERVICES)
    children = [
        Child(name, [sys.executable, "-m", "itp.cli", "serve", name, "--port", str(ports[name])], port=ports[name])
        for name in ALL_SERVICES
        if name in names
    ]
    supervisor = Supervisor(children, env, grace_s=args.grace, max_backoff_s=args.max_backoff)
    sys.exit(supervisor.run())


def cmd_expire(args: argparse.Namespace) -> None:
    from services.demand.main import definition as demand_def
    from services.demand.service import DemandService
    from shared.bus.memory import InMemoryBus
    from shared.relay import wake_relay
    from shared.runtime import ServiceRuntime

    async def run() -> int:
        # Only the outbox is written here; the service's relay publishes the events.
        runtime = ServiceRuntime(demand_def, _settings("demand"), InMemoryBus())
        try:
            expired = await DemandService(runtime.uow).expire_overdue()
            await wake_relay(runtime.engine)
            return expired
        finally:
            await runtime.engine.dispose()

    print(f"expired {asyncio.run(run())} demand(s)")


def cmd_close_idle_drafts(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from services.contracts.main import definition as contracts_def
    from services.contracts.service import ContractService
    from services.contracts.settings import DraftSettings
    from shared.bus.memory import InMemoryBus
    from shared.relay import wake_relay
    from shared.runtime import ServiceRuntime

    idle = timedelta(days=DraftSettings().draft_idle_days)

    async def run() -> int:
        # Only the outbox is written here; the service's relay publishes the events.
        runtime = ServiceRuntime(contracts_def, _settings("contracts"), InMemoryBus())
        try:
            closed = await ContractService(runtime.uow).close_idle_drafts(idle)
            await wake_relay(runtime.engine)
            return closed
        finally:
            await runtime.engine.dispose()

    print(f"closed {asyncio.run(run())} idle draft(s)")


def cmd_prune(args: argparse.Namespace) -> None:
    from shared.db import create_engine
    from shared.retention import RetentionSettings, prunables, prune
    from shared.runtime import database_url_for

    retention = RetentionSettings()

    async def run(name: str) -> dict[str, int]:
        d = definition(name)
        tables = prunables(
            retention, outbox=d.outbox, processed=d.processed, idempotency=d.metadata.tables.get("idempotency_keys")
        )
        engine = create_engine(database_url_for(name, _settings(name)), pool_size=1)
        try:
            return await prune(engine, tables, batch_size=retention.batch_size)
        finally:
            await engine.dispose()

    report = {name: asyncio.run(run(name)) for name in (DATA_SERVICES if "all" in args.services else args.services)}
    if args.json:
        print(json.dumps(report))
    else:
        for name, counts in report.items():
            print(f"pruned {name}: " + ", ".join(f"{table} {n}" for table, n in counts.items()))


def cmd_token(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from shared.auth import issue_token

    private_key = Path(args.private_key).read_text(encoding="utf-8") if args.private_key else None
    print(
        issue_token(
            ServiceSettings(),
            subject=args.subject,
            roles=args.role,
            ttl=timedelta(hours=args.hours),
            private_key=private_key,
            key_id=args.key_id,
            enterprise_id=args.enterprise_id,
            carrier_id=args.carrier_id,
            person_id=args.person_id,
        )
    )


def cmd_apikey(args: argparse.Namespace) -> None:
    """API keys in the gateway's store (ITP_GATEWAY_DATABASE_URL, else ITP_DATABASE_URL; ADR 0005)."""
    import json

    from sqlalchemy.exc import DBAPIError

    from services.gateway.credentials import ApiKeyStore, describe
    from shared.db import create_engine
    from shared.runtime import database_url_for

    def show(doc: object, text: str) -> None:
        print(json.dumps(doc, indent=2, ensure_ascii=False) if args.json else text)

    async def run() -> None:
        engine = create_engine(database_url_for("gateway", _settings("gateway")), pool_size=1)
        store = ApiKeyStore(engine)
        try:
            if args.action == "create":
                try:
                    key = await store.create(
                        subject=args.subject,
                        roles=args.role or [],
                        enterprise_id=args.enterprise_id,
                        carrier_id=args.carrier_id,
                    )
                except ValueError as exc:
                    sys.exit(str(exc))
                show({"key_id": key.split("_")[1], "key": key}, key)
                print("(shown once: only its hash is stored)", file=sys.stderr)
            elif args.action == "revoke":
                if not args.key_id or not await store.revoke(args.key_id):
                    sys.exit(f"no key {args.key_id!r}")
                show({"key_id": args.key_id, "revoked": True}, f"revoked {args.key_id}")
            else:
                keys = [describe(k) for k in await store.list()]
                print(json.dumps(keys, indent=2, ensure_ascii=False))
        except DBAPIError as exc:
            sys.exit(f"the gateway's database cannot be used ({type(exc.orig).__name__}); run: itp migrate gateway")
        finally:
            await engine.dispose()

    asyncio.run(run())


# The services that store rendered views (each service layer's ``refresh_views`` renders them all again).
VIEW_SERVICES = ("contracts", "matching")


def cmd_views(args: argparse.Namespace) -> None:
    """Render and store every stored view again, with the renderers of this release."""
    from shared.bus.memory import InMemoryBus
    from shared.progress import Progress
    from shared.runtime import ServiceRuntime

    async def run(name: str) -> int:
        runtime = ServiceRuntime(definition(name), _settings(name), InMemoryBus())
        try:
            with Progress(f"refreshing {name} views", keep=True) as shown:
                if name == "matching":  # counts its views as it goes, without a progress line yet
                    n: int = await runtime.service.refresh_views()
                    shown.advance(n)
                    return n
                return int(await runtime.service.refresh_views(shown))
        finally:
            await runtime.engine.dispose()

    for name in args.service or VIEW_SERVICES:
        print(f"refreshed {asyncio.run(run(name))} {name} view(s)")


def cmd_rebuild(args: argparse.Namespace) -> None:
    """Rebuild a read model or projection from scratch by replaying the topics."""
    import importlib

    module = importlib.import_module(f"services.{args.service}.rebuild")
    module.main(args.rest)


def cmd_import(args: argparse.Namespace) -> None:
    """Bulk onboarding of carriers and people (CSV or JSON Lines) into the talent service."""
    from services.talent import bulk_cli

    sys.exit(bulk_cli.run(args, args.parser))


def cmd_import_history(args: argparse.Namespace) -> None:
    from itp import history

    sys.exit(history.run(args, args.parser))


def cmd_catalogue(args: argparse.Namespace) -> None:
    from itp.catalogue import write

    write(REPO / "docs")
    print("wrote docs/events.md and docs/asyncapi.json")


def cmd_openapi(args: argparse.Namespace) -> None:
    from itp.openapi import DOCUMENT, write

    if args.check:
        if not write(check=True):
            sys.exit("docs/openapi.json is stale: run `itp openapi`")
        print("docs/openapi.json is current")
        return
    write()
    print(f"wrote {DOCUMENT.relative_to(REPO)}")


def cmd_demo(args: argparse.Namespace) -> None:
    from itp.demo import load
    from services.contracts.main import definition as contracts_def
    from services.demand.main import definition as demand_def
    from services.matching.main import definition as matching_def
    from services.talent.main import definition as talent_def
    from shared.db import create_engine
    from shared.outbox import OutboxSignal, UnitOfWorkFactory
    from shared.progress import Progress
    from shared.relay import wake_relay
    from shared.runtime import database_url_for

    definitions = (demand_def, talent_def, matching_def, contracts_def)

    async def run() -> dict[str, int]:
        engines = {d.name: create_engine(database_url_for(d.name, _settings(d.name)), pool_size=2) for d in definitions}
        uows = {
            d.name: UnitOfWorkFactory(engines[d.name], d.outbox, source=f"/itp/{d.name}", signal=OutboxSignal())
            for d in definitions
        }

        async def wake() -> None:
            for engine in engines.values():
                await wake_relay(engine)  # the running services publish the events now

        try:
            with Progress("demo data") as shown:
                return await load(uows, progress=shown, after_phase=wake)
        finally:
            for engine in engines.values():
                await engine.dispose()

    print(f"demo data loaded: {asyncio.run(run())}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="itp", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    def command(name: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
        # `itp NAME --help` says what the command does, as `itp --help` lists it.
        return sub.add_parser(name, help=help, description=kwargs.pop("description", help), **kwargs)

    m = command(
        "migrate",
        help="bring service databases to the latest schema, or report where they are",
        description="itp migrate all|SERVICE... upgrades; itp migrate status [SERVICE...] reports each "
        "database's revision against this release's head; itp migrate check does too and exits 1 unless "
        "every one is at head.",
    )
    m.add_argument("services", nargs="+", help="'all', service names, or status|check [SERVICE...]")
    m.add_argument("--revision", help="upgrade (or --downgrade) to this revision instead of head (base)")
    m.add_argument("--downgrade", action="store_true", help="downgrade instead of upgrade")
    m.add_argument("--json", action="store_true", help="status|check: print JSON instead of a table")
    m.set_defaults(func=cmd_migrate)

    mm = command("makemigration", help="autogenerate a migration for a service")
    mm.add_argument("service", help="the service whose tree gets the migration")
    mm.add_argument("-m", "--message", required=True, help="what the migration does")
    mm.set_defaults(func=cmd_makemigration)

    t = command(
        "topics",
        help="create, describe or verify the Kafka topics and their dead-letter twins",
        description="create makes the missing topics (ITP_TOPIC_* settings); describe shows them as the "
        "broker has them; verify does too and exits 1 if one is missing or differs from the settings.",
    )
    t.add_argument("action", choices=["create", "describe", "verify"])
    t.add_argument("--partitions", type=int, help="create: partitions per topic (default ITP_TOPIC_PARTITIONS)")
    t.add_argument("--json", action="store_true", help="describe|verify: print JSON instead of a table")
    t.set_defaults(func=cmd_topics)

    s = command("serve", help="run one service (or the gateway) in this process")
    s.add_argument("service", choices=ALL_SERVICES, help="the service to run")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on")
    s.add_argument("--port", type=int, default=8000, help="port to listen on (also /metrics)")
    s.set_defaults(func=cmd_serve)

    e = command("embedded", help="the whole platform in one process on SQLite and an in-process bus")
    e.add_argument("--host", default="127.0.0.1", help="address to listen on")
    e.add_argument("--port", type=int, default=8000, help="the gateway's port; the services take the next ones")
    e.add_argument("--data-dir", default=".data", help="where the SQLite databases are")
    e.add_argument("--demo", action="store_true", help="load the institute's 2019-2020 demo record (itp demo-data)")
    e.set_defaults(func=cmd_embedded)

    st = command(
        "stack",
        help="every service in its own process on PostgreSQL and Kafka; restarts what crashes",
        description="Gateway on --port, the data services on the next ports (demand +1, talent +2, matching +3, "
        "contracts +4, dashboard +5). A process that exits is restarted after a capped exponential back-off; "
        "SIGTERM, SIGINT or SIGHUP stop them all. Messages on stderr, prefixed 'itp stack:'.",
    )
    st.add_argument("--port", type=int, default=8000, help="the gateway's port (default 8000)")
    st.add_argument(
        "--services", nargs="+", choices=ALL_SERVICES, metavar="NAME", help="start only these (default: all six)"
    )
    st.add_argument("--grace", type=float, default=10.0, help="seconds from SIGTERM to SIGKILL when stopping")
    st.add_argument("--max-backoff", type=float, default=30.0, help="longest wait before a restart, in seconds")
    st.set_defaults(func=cmd_stack)

    x = command("expire-demands", help="the scheduled job: expire demands past their deadline")
    x.set_defaults(func=cmd_expire)

    cd = command(
        "close-idle-drafts",
        help="the scheduled job: close unsigned contract drafts untouched for ITP_CONTRACTS_DRAFT_IDLE_DAYS (90)",
    )
    cd.set_defaults(func=cmd_close_idle_drafts)

    pr = command(
        "prune",
        help="the scheduled job: delete published outbox rows, processed-message ids and idempotency keys "
        "past their ages (ITP_RETENTION_OUTBOX_DAYS=7, _PROCESSED_MESSAGES_DAYS=30, _IDEMPOTENCY_KEYS_DAYS=7), "
        "in batches of ITP_RETENTION_BATCH_SIZE (1000)",
    )
    pr.add_argument("services", nargs="+", help="'all' or service names")
    pr.add_argument("--json", action="store_true", help="print the counts as JSON")
    pr.set_defaults(func=cmd_prune)

    tk = command("token", help="mint a bearer token (development secret, or --private-key for RS256)")
    tk.add_argument(
        "--role",
        action="append",
        required=True,
        help="enterprise_user, carrier_user, project_manager, operator, dashboard_viewer, admin",
    )
    tk.add_argument("--subject", default="dev-user", help="the token's subject")
    tk.add_argument("--enterprise-id", help="the enterprise an enterprise_user acts for")
    tk.add_argument("--carrier-id", help="the carrier a carrier_user acts for")
    tk.add_argument("--person-id", help="the person the caller is")
    tk.add_argument("--hours", type=float, default=12, help="how long the token is valid")
    tk.add_argument("--private-key", help="PEM file: sign with RS256 instead of the shared secret")
    tk.add_argument("--key-id", help="the key's kid in the services' JWKS (with --private-key)")
    tk.set_defaults(func=cmd_token)

    ak = command("apikey", help="API keys for portal back ends (stored hashed in the gateway's database, revocable)")
    ak.add_argument("action", choices=["create", "revoke", "list"])
    ak.add_argument("key_id", nargs="?", help="revoke: the key's id, as list shows it")
    ak.add_argument("--role", action="append", help="create: a role of the key (repeatable)")
    ak.add_argument("--subject", default="portal", help="create: who the key is for")
    ak.add_argument("--enterprise-id", help="create: the enterprise an enterprise_user key acts for")
    ak.add_argument("--carrier-id", help="create: the carrier a carrier_user key acts for")
    ak.add_argument("--json", action="store_true", help="answer in JSON (list always does)")
    ak.set_defaults(func=cmd_apikey)

    rb = command(
        "rebuild",
        help="rebuild every projection of matching (read model, missing suggestions, views) or of the dashboard "
        "by replaying the topics; exits 1 listing the events that could not be applied",
    )
    rb.add_argument("service", choices=["matching", "dashboard"], help="what to rebuild")
    rb.add_argument("rest", nargs=argparse.REMAINDER)
    rb.set_defaults(func=cmd_rebuild)

    vw = command("views", help="the stored views (rendered read models) of contracts and matching")
    vw_sub = vw.add_subparsers(dest="views_cmd", required=True)
    vr = vw_sub.add_parser(
        "refresh",
        help="render and store every view again with this release's renderers (after a deploy that changed one)",
    )
    vr.add_argument("--service", action="append", choices=VIEW_SERVICES, help="only these (repeatable); default all")
    vr.set_defaults(func=cmd_views)

    from services.talent import bulk_cli

    im = command(
        "import",
        help="bulk-import carriers and people (CSV or JSON Lines) into the talent service",
        description=bulk_cli.DESCRIPTION,
    )
    bulk_cli.add_arguments(im)
    im.set_defaults(parser=im)
    im.set_defaults(func=cmd_import)

    from itp import simulate

    sim = command(
        "simulate",
        help="live activity through the gateway (new demands published, suggestions accepted), bounded",
        description=simulate.__doc__,
    )
    simulate.add_arguments(sim)
    sim.set_defaults(func=lambda a: simulate.run(a))

    from itp import history

    ih = command("import-history", help=history.DESCRIPTION.rstrip("."), description=history.__doc__)
    history.add_arguments(ih)
    ih.set_defaults(parser=ih, func=cmd_import_history)

    c = command("catalogue", help="regenerate docs/events.md and docs/asyncapi.json from the event classes")
    c.set_defaults(func=cmd_catalogue)

    oa = command("openapi", help="regenerate docs/openapi.json (the gateway's document) from the code")
    oa.add_argument("--check", action="store_true", help="only fail when docs/openapi.json is stale")
    oa.set_defaults(func=cmd_openapi)

    d = command(
        "demo-data",
        help="load the 2019-2020 demo record into the services' databases (idempotent; with the platform up)",
    )
    d.set_defaults(func=cmd_demo)

    from itp import runbook

    runbook.add_commands(sub)

    args = p.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
