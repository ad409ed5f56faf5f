"""indexes that serve the deadline and budget sorts

Revision ID: 5b7d0c2e91aa
Revises: 2a260ae6ff01
Create Date: 2026-11-29 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7d0c2e91aa"
down_revision: str | None = "2a260ae6ff01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_demands_deadline", "demands", ["deadline", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":  # SQLite cannot index NULLS LAST
        op.create_index(
            "ix_demands_budget", "demands", [sa.text("budget DESC NULLS LAST"), sa.text("id DESC")], unique=False
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_demands_budget", table_name="demands")
    op.drop_index("ix_demands_deadline", table_name="demands")
