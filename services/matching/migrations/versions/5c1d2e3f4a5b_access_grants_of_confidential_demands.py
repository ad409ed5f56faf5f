"""access grants of confidential demands

Revision ID: 5c1d2e3f4a5b
Revises: ec7e871c491a
Create Date: 2026-12-07 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "5c1d2e3f4a5b"
down_revision: str | None = "ec7e871c491a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filled from DemandAccessGranted / DemandAccessRevoked; grants made before this revision
    # arrive with a rebuild of the read model (itp rebuild matching).
    op.create_table(
        "demand_access_grants",
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("granted_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("demand_id", "carrier_id"),
    )


def downgrade() -> None:
    op.drop_table("demand_access_grants")
