"""funds: the funds the institute backs and their investments

Rows for funds established before this revision come from a rebuild (``itp rebuild dashboard``).

Revision ID: 9c63e2f02020
Revises: 8b52d1ef2020
Create Date: 2026-12-07 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "9c63e2f02020"
down_revision: str | None = "8b52d1ef2020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_funds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("committed_capital", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("institute_commitment", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("social_capital", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("established_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("established_month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "dashboard_fund_investments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("invested_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("dashboard_fund_investments")
    op.drop_table("dashboard_funds")
