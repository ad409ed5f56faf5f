"""The talent service's tables: R&D carriers (people, training and assignments follow)."""

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.idempotency import idempotency_table
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

carriers = sa.Table(
    "carriers",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("name_zh", sa.String(200)),
    sa.Column("name_en", sa.String(300)),
    sa.Column("city", sa.String(50)),
    sa.Column("province", sa.String(50)),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("capabilities", sa.Text(), nullable=False),
    sa.Column("equipment", JSONType, nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_carriers_created", "created_at", "id"),
)

idempotency_keys = idempotency_table(metadata)
outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
