"""The gateway's own tables: the credentials it accepts besides bearer tokens (ADR 0005)."""

from pathlib import Path

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime

metadata = sa.MetaData()
MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # its Alembic tree (itp migrate gateway)

# API keys for portal back ends: only a SHA-256 hash of each secret is stored.
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("roles", JSONType, nullable=False),
    sa.Column("enterprise_id", sa.Uuid, nullable=True),
    sa.Column("carrier_id", sa.Uuid, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime, nullable=True),
)
