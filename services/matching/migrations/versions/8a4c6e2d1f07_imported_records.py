"""imported records: what the history import recorded (past matches)

Revision ID: 8a4c6e2d1f07
Revises: 5c1d2e3f4a5b
Create Date: 2026-12-08 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "8a4c6e2d1f07"
down_revision: str | None = "5c1d2e3f4a5b"
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
