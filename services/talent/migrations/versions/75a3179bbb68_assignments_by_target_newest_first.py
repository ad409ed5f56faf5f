"""assignments by target newest first

Revision ID: 75a3179bbb68
Revises: 9c2bf0a5d039
Create Date: 2026-11-29 07:00:04.415801
"""

from collections.abc import Sequence

from alembic import op

revision: str = "75a3179bbb68"
down_revision: str | None = "9c2bf0a5d039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_target_made", ["target_id", "made_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_target_made")
