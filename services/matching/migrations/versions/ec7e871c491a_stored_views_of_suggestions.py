"""stored views of suggestions

Revision ID: ec7e871c491a
Revises: 3f0b538a4a34
Create Date: 2026-11-29 06:59:49.016394

Each demand with suggestions gets a placeholder view (no renderer, no weights), which a read
never serves: it renders the view afresh until ``itp views refresh --service matching`` (or a
rebuild) stores it. A migration never runs the application's renderer, which moves on.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "ec7e871c491a"
down_revision: str | None = "3f0b538a4a34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestion_views",
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("suggestion_set_id", sa.Uuid(), nullable=True),
        sa.Column("weights", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("rendered_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("demand_id"),
    )
    _backfill_views()


# The tables as this revision knows them.
_sets = sa.table("suggestion_sets", sa.column("suggestion_set_id", sa.Uuid()), sa.column("demand_id", sa.Uuid()))
_views = sa.table(
    "suggestion_views",
    sa.column("demand_id", sa.Uuid()),
    sa.column("suggestion_set_id", sa.Uuid()),
    sa.column("weights", sa.Text()),
    sa.column("body", sa.Text()),
    sa.column("rendered_at", shared.db.UTCDateTime()),
)


def _backfill_views() -> None:
    """A placeholder view (``weights`` NULL: never served) for every demand with suggestions."""
    bind = op.get_bind()
    demands = [r.demand_id for r in bind.execute(sa.select(_sets.c.demand_id).distinct())]
    now = datetime.now(UTC)
    for start in range(0, len(demands), 500):
        rows = [
            {"demand_id": d, "suggestion_set_id": None, "weights": None, "body": "{}", "rendered_at": now}
            for d in demands[start : start + 500]
        ]
        bind.execute(sa.insert(_views), rows)


def downgrade() -> None:
    op.drop_table("suggestion_views")
