"""A tiny service used by the kernel's integration tests: one table, one event, its own topic.

The event's topic carries a random suffix per test session, so tests never read events
written by another run.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import ClassVar

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.events.base import DomainEvent
from shared.idempotency import idempotency_table
from shared.outbox import outbox_table, processed_messages_table

RUN = uuid.uuid4().hex[:8]
TOPIC = f"itp.test.{RUN}.events"

metadata = sa.MetaData()
notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("aggregate_id", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
)
applied = sa.Table(
    "applied",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("aggregate_id", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer(), nullable=False),
)
note_tags = sa.Table(
    "note_tags",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("note_id", sa.Uuid(), sa.ForeignKey("notes.id"), nullable=False),
    sa.Column("tag", sa.String(32), nullable=False),
    sa.Column("meta", JSONType),
    sa.Column("tagged_at", UTCDateTime()),
    sa.Column("amount", sa.Numeric(18, 2)),
)
outbox = outbox_table(metadata)
processed = processed_messages_table(metadata)
idempotency_keys = idempotency_table(metadata)

MIGRATIONS = Path(__file__).parent  # unused: the tests create these tables with metadata.create_all


class NoteWritten(DomainEvent):
    TYPE: ClassVar[str] = f"TestNoteWritten{RUN}"
    TOPIC: ClassVar[str] = TOPIC
    AGGREGATE: ClassVar[str] = "note"
    KEY: ClassVar[str] = "aggregate_id"

    aggregate_id: str
    seq: int
