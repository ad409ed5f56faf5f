"""team of a match: the people of a match made to a team (null for a match to a carrier alone)

Revision ID: c4e8a1d2b6f3
Revises: b7d3e1f9a2c4
Create Date: 2026-12-08 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c4e8a1d2b6f3"
down_revision: str | None = "b7d3e1f9a2c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "match_decisions",
        sa.Column("team", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("match_decisions", "team")
