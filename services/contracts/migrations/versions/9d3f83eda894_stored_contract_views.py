"""stored contract views: contracts.view (the rendered contract) and view_version, backfilled

Revision ID: 9d3f83eda894
Revises: 22b72d432593
Create Date: 2026-11-29 06:57:33.722073
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "9d3f83eda894"
down_revision: str | None = "22b72d432593"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("view", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("view_version", sa.Integer(), nullable=True))
    _backfill_views()


def _backfill_views() -> None:
    """Render every existing contract with the service's own code, as a write would store it.

    Reads only the columns the tables have at this revision. The lists render a row whose view is
    missing or stale afresh, so this fills the column for speed; answers are right without it.
    """
    from services.contracts.repository import _contract_from_row, _milestone_from_row
    from services.contracts.tables import contracts, milestones
    from services.contracts.views import stored_view

    bind = op.get_bind()
    inspector = sa.inspect(bind)
    have = {t: {c["name"] for c in inspector.get_columns(t)} for t in ("contracts", "milestones")}
    contract_cols = [c for c in contracts.c if c.name in have["contracts"] and c.name not in ("view", "view_version")]
    milestone_cols = [c for c in milestones.c if c.name in have["milestones"]]
    store = (
        sa.update(contracts)
        .where(contracts.c.id == sa.bindparam("b_id"))
        .values(view=sa.bindparam("b_view"), view_version=sa.bindparam("b_version"))
    )
    after = None
    while True:
        page = sa.select(*contract_cols).order_by(contracts.c.id).limit(_BATCH)
        if after is not None:
            page = page.where(contracts.c.id > after)
        rows = bind.execute(page).all()
        if not rows:
            return
        ids = [r.id for r in rows]
        by_contract: dict[str, list[Any]] = {}
        for m in bind.execute(sa.select(*milestone_cols).where(milestones.c.contract_id.in_(ids))):
            by_contract.setdefault(str(m.contract_id), []).append(_milestone_from_row(m))
        bind.execute(
            store,
            [
                {
                    "b_id": r.id,
                    "b_view": stored_view(_contract_from_row(r, by_contract.get(str(r.id), []))),
                    "b_version": r.version,
                }
                for r in rows
            ],
        )
        after = rows[-1].id


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ has it): a batch would copy the table, which
    # SQLite refuses while milestones and payments refer to it.
    op.drop_column("contracts", "view_version")
    op.drop_column("contracts", "view")
