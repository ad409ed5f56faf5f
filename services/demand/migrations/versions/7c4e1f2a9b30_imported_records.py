"""imported records: what a history import has recorded, one row per source record and step

Revision ID: 7c4e1f2a9b30
Revises: 5b7d0c2e91aa
Create Date: 2026-12-07 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "7c4e1f2a9b30"
down_revision: str | None = "5b7d0c2e91aa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imported_records",
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("imported_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_key"),
    )


def downgrade() -> None:
    op.drop_table("imported_records")
