"""stored contract views: contracts.view (the rendered contract) and view_version

Revision ID: 9d3f83eda894
Revises: 22b72d432593
Create Date: 2026-11-29 06:57:33.722073

The columns start empty: a contract whose view is missing is rendered afresh on read, and
``itp views refresh --service contracts`` stores the views (a migration never runs the
application's code, whose renderer may have moved on since this revision).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d3f83eda894"
down_revision: str | None = "22b72d432593"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("view", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("view_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ has it): a batch would copy the table, which
    # SQLite refuses while milestones and payments refer to it.
    op.drop_column("contracts", "view_version")
    op.drop_column("contracts", "view")
