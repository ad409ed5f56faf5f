"""The matching service's own read model (built from events only) and its suggestions."""

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

carrier_profiles = sa.Table(
    "carrier_profiles",
    metadata,
    sa.Column("carrier_id", sa.Uuid(), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("city", sa.String(50)),
    sa.Column("province", sa.String(50)),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("capabilities", sa.Text(), nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

demand_profiles = sa.Table(
    "demand_profiles",
    metadata,
    sa.Column("demand_id", sa.Uuid(), primary_key=True),
    sa.Column("enterprise_id", sa.Uuid(), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("demand_type", sa.String(40), nullable=False),
    sa.Column("budget", sa.Numeric(18, 2)),
    sa.Column("province", sa.String(50)),
    sa.Column("city", sa.String(50)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

suggestions = sa.Table(
    "suggestions",
    metadata,
    sa.Column("suggestion_set_id", sa.Uuid(), primary_key=True),
    sa.Column("carrier_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), nullable=False),
    sa.Column("rank", sa.SmallInteger(), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("components", JSONType, nullable=False),
    sa.Column("matched_terms", JSONType, nullable=False),
    sa.Column("at_capacity", sa.Boolean(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_suggestions_demand_created", "demand_id", "created_at"),
)

outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
