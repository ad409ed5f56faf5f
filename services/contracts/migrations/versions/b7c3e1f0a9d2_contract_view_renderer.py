"""the renderer of a stored contract view: contracts.view_renderer

Revision ID: b7c3e1f0a9d2
Revises: 4e8a6c1d2f57
Create Date: 2026-12-07 23:40:00

Existing views have none, so they are rendered afresh on read until ``itp views refresh``
stores them again with the current renderer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7c3e1f0a9d2"
down_revision: str | None = "4e8a6c1d2f57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("view_renderer", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN, as 9d3f83eda894 does: a batch would copy a table others refer to.
    op.drop_column("contracts", "view_renderer")
