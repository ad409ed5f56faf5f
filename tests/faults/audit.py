"""What the fault suite checks once the traffic is over and the platform has settled.

- every acknowledged create has its row (``lost`` otherwise);
- every outbox row was published, and its event is on its topic exactly once by id (``lost`` /
  ``duplicated``);
- every consumer group recorded each event it handles exactly once in ``processed_messages``,
  written in the same transaction as the effect (``unprojected`` otherwise);
- the dead-letter topics are empty (``dead_lettered``);
- a rebuild from offset 0 equals the live projection (``rebuild_diff``).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from itp.services import DATA_SERVICES, definition
from shared.events.base import DomainEvent
from shared.events.topics import dlq, for_prefix

# Which table holds what a create acknowledged: kind -> (service, table, key column).
ROWS = {
    "enterprises": ("demand", "enterprises", "id"),
    "demands": ("demand", "demands", "id"),
    "carriers": ("talent", "carriers", "id"),
    "matches": ("matching", "match_decisions", "match_id"),
    "payments": ("contracts", "payments", "id"),
}


def raw(dsn: str) -> str:
    return dsn.replace("postgresql+asyncpg://", "postgresql://")


def handled_types(service: str) -> dict[str, tuple[list[str], set[str]]]:
    """Each consumer group of ``service``: its topics' base names and the CloudEvents types it applies."""
    d = definition(service)
    stub = SimpleNamespace(state={}, uow=None, service=None)
    out = {}
    for spec in d.consumers:
        handlers: dict[type[DomainEvent], Any] = spec.handlers(stub)  # type: ignore[arg-type]
        bases = [t.split(".")[-2] for t in spec.topics]  # "<prefix>.<base>.events"
        out[spec.name] = (bases, {cls.ce_type() for cls in handlers})
    return out


@dataclass
class Topics:
    """Every record of the stack's topics: event id and type per topic."""

    events: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # topic -> [(id, type)]
    dlq_records: int = 0


async def end_offsets(bootstrap: str, names: Sequence[str]) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        tps = [
            TopicPartition(t["topic"], p["partition"])
            for t in await admin.describe_topics(list(names))
            for p in t["partitions"]
        ]
        return dict(await consumer.end_offsets(tps))
    finally:
        await consumer.stop()
        await admin.close()


async def read_topics(bootstrap: str, prefix: str) -> Topics:
    names = list(for_prefix(prefix).values())
    ends = await end_offsets(bootstrap, [*names, *map(dlq, names)])
    out = Topics(events={n: [] for n in names})
    out.dlq_records = sum(end for tp, end in ends.items() if tp.topic.endswith(".dlq"))
    wanted = {tp: end for tp, end in ends.items() if not tp.topic.endswith(".dlq") and end > 0}
    if not wanted:
        return out
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(wanted))
        await consumer.seek_to_beginning(*wanted)
        deadline = time.monotonic() + 60
        while wanted and time.monotonic() < deadline:
            for tp, records in (await consumer.getmany(timeout_ms=500, max_records=5000)).items():
                for rec in records:
                    if rec.offset < wanted.get(tp, 0):
                        doc = orjson.loads(rec.value or b"{}")
                        out.events[tp.topic].append((str(doc.get("id")), str(doc.get("type"))))
                if records and records[-1].offset + 1 >= wanted.get(tp, 0):
                    wanted.pop(tp, None)
        assert not wanted, f"could not read the topics to their ends: {wanted}"
    finally:
        await consumer.stop()
    return out


def consumer_groups(prefix: str) -> dict[str, list[str]]:
    """Every consumer group of the stack and the topics it reads."""
    names = for_prefix(prefix)
    return {
        f"{prefix}-{service}-{name}": [names[b] for b in bases]
        for service in DATA_SERVICES
        for name, (bases, _) in handled_types(service).items()
    }


async def group_lag(bootstrap: str, groups: dict[str, list[str]]) -> int:
    """How many records the consumer groups have still to commit (committed offset to end)."""
    ends = await end_offsets(bootstrap, sorted({t for ts in groups.values() for t in ts}))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        lag = 0
        for g, names in groups.items():
            committed = await admin.list_consumer_group_offsets(g)
            for tp, end in ends.items():
                if tp.topic in names:
                    meta = committed.get(tp)
                    lag += end - (meta.offset if meta is not None and meta.offset >= 0 else 0)
        return lag
    finally:
        await admin.close()


async def fetch(dsn: str, service: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(raw(dsn) + f"/itp_{service}")
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def unpublished(dsn: str) -> int:
    counts = await asyncio.gather(
        *(fetch(dsn, s, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL") for s in DATA_SERVICES)
    )
    return sum(int(rows[0]["n"]) for rows in counts)


@dataclass
class Verdict:
    accepted: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unprojected: list[str] = field(default_factory=list)
    dead_lettered: int = 0
    rebuild_diff: list[str] = field(default_factory=list)


async def audit(dsn: str, bootstrap: str, prefix: str, created: dict[str, set[str]]) -> Verdict:
    v = Verdict(accepted=len(created.get("demands", ())))
    for kind, ids in created.items():
        if kind not in ROWS or not ids:
            continue
        service, table, key = ROWS[kind]
        rows = await fetch(dsn, service, f"SELECT {key}::text AS id FROM {table} WHERE {key} = ANY($1::uuid[])", ids)
        v.lost += [f"{kind} {i}: acknowledged, no row" for i in sorted(ids - {r["id"] for r in rows})]

    topics = await read_topics(bootstrap, prefix)
    v.dead_lettered = topics.dlq_records
    by_base = {name.split(".")[-2]: evs for name, evs in topics.events.items()}
    on_topic: dict[str, Counter[str]] = {base: Counter(i for i, _ in evs) for base, evs in by_base.items()}
    for base, counts in on_topic.items():
        v.duplicated += [f"{base}: event {i} {n} times on the topic" for i, n in counts.items() if n > 1]

    for service in DATA_SERVICES:
        outbox = await fetch(dsn, service, "SELECT event_id, topic, published_at IS NOT NULL AS sent FROM outbox")
        for r in outbox:
            base = r["topic"].split(".")[-2]
            if not r["sent"]:
                v.lost.append(f"{service} outbox {r['event_id']}: never published")
            elif r["event_id"] not in on_topic.get(base, Counter()):
                v.lost.append(f"{service} outbox {r['event_id']}: marked published, not on {base}")
        processed = await fetch(dsn, service, "SELECT consumer, event_id FROM processed_messages")
        seen = Counter((r["consumer"], r["event_id"]) for r in processed)
        for name, (bases, types) in handled_types(service).items():
            group = f"{prefix}-{service}-{name}"
            for base in bases:
                for event_id, ce_type in by_base.get(base, []):
                    if ce_type in types and seen[(group, event_id)] != 1:
                        v.unprojected.append(f"{group}: {ce_type} {event_id} applied {seen[(group, event_id)]} times")
    return v


# -- rebuild --------------------------------------------------------------------------------------

# What a rebuild recreates, compared row by row, without the columns a rebuild legitimately
# writes anew (when a row was written).
WRITTEN = {"written_at", "updated_at"}
PROJECTIONS = {
    "dashboard": (
        "dashboard_demands",
        "dashboard_demand_fields",
        "dashboard_contracts",
        "dashboard_payments",
        "dashboard_assignments",
        "dashboard_labels",
        "dashboard_recent_events",
    ),
    "matching": ("carrier_profiles", "person_profiles", "demand_profiles", "contract_records", "capacity_states"),
}
# Each demand's latest suggestion set: its carriers in rank order.
SUGGESTIONS = """
SELECT s.demand_id::text AS demand_id, string_agg(s.carrier_id::text, ',' ORDER BY s.rank) AS carriers
FROM suggestions s
JOIN (SELECT DISTINCT ON (demand_id) demand_id, suggestion_set_id FROM suggestion_sets
      ORDER BY demand_id, created_at DESC) latest USING (suggestion_set_id)
GROUP BY s.demand_id
"""

Snapshot = dict[str, set[tuple[str, ...]]]


async def snapshot(dsn: str, service: str) -> Snapshot:
    """The projection of ``service`` (the dashboard's, or matching's read model and suggestions)."""
    conn = await asyncpg.connect(raw(dsn) + f"/itp_{service}")
    try:
        out: Snapshot = {}
        for table in PROJECTIONS[service]:
            rows = await conn.fetch(f"SELECT * FROM {table}")
            out[table] = {tuple(str(v) for k, v in r.items() if k not in WRITTEN) for r in rows}
        if service == "matching":
            out["suggestions (latest set per demand)"] = {
                tuple(str(v) for v in r.values()) for r in await conn.fetch(SUGGESTIONS)
            }
        return out
    finally:
        await conn.close()


def compare(service: str, live: Snapshot, rebuilt: Snapshot) -> list[str]:
    out = []
    for table, rows in live.items():
        missing, extra = rows - rebuilt[table], rebuilt[table] - rows
        if missing or extra:
            example = sorted(missing or extra)[0]
            out.append(
                f"{service}.{table}: {len(rows)} live rows, {len(rebuilt[table])} rebuilt; "
                f"{len(missing)} only live, {len(extra)} only rebuilt (e.g. {example[:4]})"
            )
    return out
