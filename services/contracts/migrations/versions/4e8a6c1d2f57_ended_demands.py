"""ended demands: drafts close with their demand

Revision ID: 4e8a6c1d2f57
Revises: 5c1e7a9b2d40
Create Date: 2026-12-07 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "4e8a6c1d2f57"
down_revision: str | None = "5c1e7a9b2d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ended_demands",
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("ended_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("demand_id"),
    )


def downgrade() -> None:
    op.drop_table("ended_demands")
