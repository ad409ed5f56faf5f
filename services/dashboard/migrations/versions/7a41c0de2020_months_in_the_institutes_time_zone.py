"""months in the institute's time zone

The projection's ``*_month`` columns were UTC months; they are now the institute's
(shared.calendar), like the contracts' monthly totals. Recomputed from the stored times.

Revision ID: 7a41c0de2020
Revises: 2f97da4a45f4
Create Date: 2026-12-07 20:50:00
"""

import os
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision: str = "7a41c0de2020"
down_revision: str | None = "2f97da4a45f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, time column, month column) as they stand at this revision.
_MONTHS = (
    *(
        ("dashboard_demands", f"{s}_at", f"{s}_month")
        for s in ("submitted", "published", "matched", "contracted", "completed")
    ),
    ("dashboard_contracts", "signed_at", "signed_month"),
    ("dashboard_contracts", "completed_at", "completed_month"),
    ("dashboard_payments", "recorded_at", "month"),
)


def institute_month(at: datetime) -> str:
    """``YYYY-MM`` of ``at`` in the institute's time zone (shared.calendar's rule at this revision)."""
    return at.astimezone(ZoneInfo(os.environ.get("ITP_INSTITUTE_TIMEZONE", "Asia/Shanghai"))).strftime("%Y-%m")


def upgrade() -> None:
    conn = op.get_bind()
    for table, at, month in _MONTHS:
        t = sa.table(table, sa.column("id", sa.Uuid()), sa.column(at, UTCDateTime()), sa.column(month, sa.String(7)))
        by_month: dict[str, list[object]] = defaultdict(list)
        for ident, moment in conn.execute(sa.select(t.c.id, t.c[at]).where(t.c[at].is_not(None))):
            by_month[institute_month(moment)].append(ident)
        for value, ids in by_month.items():
            for start in range(0, len(ids), 1000):
                conn.execute(sa.update(t).where(t.c.id.in_(ids[start : start + 1000])).values({month: value}))


def downgrade() -> None:
    pass  # UTC months are not restored; a rebuild (itp dashboard rebuild) recomputes them
