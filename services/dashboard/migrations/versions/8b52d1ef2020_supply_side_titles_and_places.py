"""supply side, demand titles and places

The projection keeps the supply side (centers, carriers, people, trainees), and each demand's
title, province and city. Rows before this revision get them from a rebuild
(``itp rebuild dashboard``).

Revision ID: 8b52d1ef2020
Revises: 7a41c0de2020
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "8b52d1ef2020"
down_revision: str | None = "7a41c0de2020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dashboard_demands") as batch:
        batch.add_column(sa.Column("title", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("title_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("province", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("city", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("place_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_dashboard_demands_province", ["province"], unique=False)
    op.create_table(
        "dashboard_supply",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("roles", sa.String(length=300), nullable=True),
        sa.Column("category_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_month", sa.String(length=7), nullable=True),
        sa.Column("placed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("graduated_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dashboard_supply_kind", "dashboard_supply", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dashboard_supply_kind", table_name="dashboard_supply")
    op.drop_table("dashboard_supply")
    with op.batch_alter_table("dashboard_demands") as batch:
        batch.drop_index("ix_dashboard_demands_province")
        for column in ("place_at", "city", "province", "title_at", "title"):
            batch.drop_column(column)
