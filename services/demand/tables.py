"""The demand service's tables (SQLAlchemy Core), mirrored by its Alembic migrations."""

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.idempotency import idempotency_table
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

enterprises = sa.Table(
    "enterprises",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("name_zh", sa.String(200)),
    sa.Column("name_en", sa.String(300)),
    sa.Column("credit_code", sa.String(18), nullable=False, unique=True),
    sa.Column("province", sa.String(50), nullable=False),
    sa.Column("city", sa.String(50), nullable=False),
    sa.Column("industry_code", sa.String(8), nullable=False),
    sa.Column("size", sa.String(20), nullable=False),
    sa.Column("contacts", JSONType, nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

centers = sa.Table(
    "joint_innovation_centers",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("established_on", sa.Date(), nullable=False),
    sa.Column("committed_funding", sa.Numeric(18, 2), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

demands = sa.Table(
    "demands",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id"), nullable=False),
    sa.Column("center_id", sa.Uuid(), sa.ForeignKey("joint_innovation_centers.id")),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("demand_type", sa.String(40), nullable=False),
    sa.Column("expected_outcome", sa.Text(), nullable=False),
    sa.Column("trl_current", sa.SmallInteger()),
    sa.Column("trl_target", sa.SmallInteger()),
    sa.Column("budget", sa.Numeric(18, 2)),
    sa.Column("deadline", UTCDateTime()),
    sa.Column("province", sa.String(50)),
    sa.Column("city", sa.String(50)),
    sa.Column("contact", JSONType, nullable=False),
    sa.Column("confidentiality", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_reason", sa.Text()),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_demands_enterprise_created", "enterprise_id", "created_at", "id"),
    sa.Index("ix_demands_status_created", "status", "created_at", "id"),
    sa.Index("ix_demands_created", "created_at", "id"),
)

idempotency_keys = idempotency_table(metadata)

outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
