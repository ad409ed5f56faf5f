"""english names of profiles: the name_en talent's events carry, indexed beside the name

Revision ID: b7d3e1f9a2c4
Revises: 8a4c6e2d1f07
Create Date: 2026-12-08 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d3e1f9a2c4"
down_revision: str | None = "8a4c6e2d1f07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("carrier_profiles", sa.Column("name_en", sa.String(length=300), nullable=True))
    op.add_column("person_profiles", sa.Column("name_en", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("person_profiles", "name_en")
    op.drop_column("carrier_profiles", "name_en")
