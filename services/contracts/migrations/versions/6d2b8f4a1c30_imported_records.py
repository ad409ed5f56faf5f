"""imported records: what the history import recorded (funds and their investments)

Revision ID: 6d2b8f4a1c30
Revises: b7c3e1f0a9d2
Create Date: 2026-12-07 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "6d2b8f4a1c30"
down_revision: str | None = "b7c3e1f0a9d2"
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
