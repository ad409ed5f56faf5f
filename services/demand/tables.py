"""The demand service's tables (SQLAlchemy Core), mirrored by its Alembic migrations."""

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.history import imported_records_table
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
    # Index terms (CJK bigrams + English stems, shared.text): all text, and the teaser's text only,
    # so a caller who may see only the teaser of a confidential demand cannot search its details.
    sa.Column("search_terms", JSONType, nullable=False, server_default="[]"),
    sa.Column("teaser_terms", JSONType, nullable=False, server_default="[]"),
    sa.Index(
        "ix_demands_search_terms",
        "search_terms",
        postgresql_using="gin",
        postgresql_ops={"search_terms": "jsonb_path_ops"},
    ),
    sa.Index(
        "ix_demands_teaser_terms",
        "teaser_terms",
        postgresql_using="gin",
        postgresql_ops={"teaser_terms": "jsonb_path_ops"},
    ),
    sa.Index("ix_demands_fields", "fields", postgresql_using="gin", postgresql_ops={"fields": "jsonb_path_ops"}),
    sa.Index("ix_demands_enterprise_created", "enterprise_id", "created_at", "id"),
    sa.Index("ix_demands_status_created", "status", "created_at", "id"),
    sa.Index("ix_demands_created", "created_at", "id"),
    sa.Index("ix_demands_deadline", "deadline", "id"),
)

# The -budget sort reads its pages from this index (DESC NULLS LAST, as the query orders).
# (SQLite cannot index NULLS LAST; the embedded mode sorts those pages itself.)
sa.Index("ix_demands_budget", demands.c.budget.desc().nulls_last(), demands.c.id.desc()).ddl_if(dialect="postgresql")

access_grants = sa.Table(
    "demand_access_grants",
    metadata,
    sa.Column("demand_id", sa.Uuid(), sa.ForeignKey("demands.id"), primary_key=True),
    sa.Column("carrier_id", sa.Uuid(), primary_key=True),
    sa.Column("granted_by", sa.String(200), nullable=False),
    sa.Column("granted_at", UTCDateTime(), nullable=False),
)

# What a history import has already recorded: one row per source record and step
# ("demand:D-0001", "demand:D-0001#published"), so importing a file again changes nothing.
imported_records = imported_records_table(metadata)  # the history import (shared.history)

idempotency_keys = idempotency_table(metadata)

outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
