"""stored views of suggestions

Revision ID: ec7e871c491a
Revises: 3f0b538a4a34
Create Date: 2026-11-29 06:59:49.016394
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

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


# The tables as this revision knows them (only the columns the views show).
_sets = sa.table(
    "suggestion_sets",
    sa.column("suggestion_set_id", sa.Uuid()),
    sa.column("demand_id", sa.Uuid()),
    sa.column("trigger", sa.String()),
    sa.column("created_at", shared.db.UTCDateTime()),
)
_scored = (
    sa.column("suggestion_set_id", sa.Uuid()),
    sa.column("rank", sa.SmallInteger()),
    sa.column("score", sa.Float()),
    sa.column("components", shared.db.JSONType),
    sa.column("matched_terms", shared.db.JSONType),
    sa.column("at_capacity", sa.Boolean()),
)
_suggestions = sa.table(
    "suggestions",
    sa.column("carrier_id", sa.Uuid()),
    sa.column("base_score", sa.Float()),
    sa.column("adjustments", shared.db.JSONType),
    *(sa.column(c.name, c.type) for c in _scored),
)
_experts = sa.table(
    "expert_suggestions",
    sa.column("person_id", sa.Uuid()),
    sa.column("carrier_id", sa.Uuid()),
    *(sa.column(c.name, c.type) for c in _scored),
)
_carriers = sa.table("carrier_profiles", sa.column("carrier_id", sa.Uuid()), sa.column("name", sa.String()))
_people = sa.table("person_profiles", sa.column("person_id", sa.Uuid()), sa.column("name", sa.String()))
_demands = sa.table("demand_profiles", sa.column("demand_id", sa.Uuid()), sa.column("enterprise_id", sa.Uuid()))
_decisions = sa.table(
    "match_decisions",
    sa.column("match_id", sa.Uuid()),
    sa.column("demand_id", sa.Uuid()),
    sa.column("carrier_id", sa.Uuid()),
    sa.column("decision", sa.String()),
    sa.column("decided_at", shared.db.UTCDateTime()),
)
_conflicts = sa.table(
    "conflicts_of_interest", sa.column("enterprise_id", sa.Uuid()), sa.column("carrier_id", sa.Uuid())
)
_views = sa.table(
    "suggestion_views",
    sa.column("demand_id", sa.Uuid()),
    sa.column("suggestion_set_id", sa.Uuid()),
    sa.column("weights", sa.Text()),
    sa.column("body", sa.Text()),
    sa.column("rendered_at", shared.db.UTCDateTime()),
)


def _grouped(rows: Any, key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(getattr(r, key), []).append(dict(r._mapping))
    return out


def _backfill_views() -> None:
    """Render the view of every demand's latest suggestion set, as the service renders it."""
    from services.matching import views
    from services.matching.settings import MatchingSettings

    weights = MatchingSettings().weights
    weights_key = views.weights_key(weights)
    bind = op.get_bind()
    latest: dict[Any, Any] = {}
    for r in bind.execute(sa.select(_sets).order_by(_sets.c.demand_id, _sets.c.created_at)):
        latest[r.demand_id] = r  # the last one of each demand wins
    enterprise_of = {r.demand_id: r.enterprise_id for r in bind.execute(sa.select(_demands))}
    conflicted: dict[Any, set[str]] = {}
    for r in bind.execute(sa.select(_conflicts)):
        conflicted.setdefault(r.enterprise_id, set()).add(str(r.carrier_id))
    now = datetime.now(UTC)
    items = list(latest.items())
    for start in range(0, len(items), 500):
        part = items[start : start + 500]
        set_ids = [s.suggestion_set_id for _, s in part]
        carriers = _grouped(
            bind.execute(
                sa.select(_suggestions, _carriers.c.name)
                .select_from(_suggestions.outerjoin(_carriers, _carriers.c.carrier_id == _suggestions.c.carrier_id))
                .where(_suggestions.c.suggestion_set_id.in_(set_ids))
                .order_by(_suggestions.c.rank)
            ),
            "suggestion_set_id",
        )
        experts = _grouped(
            bind.execute(
                sa.select(_experts, _people.c.name)
                .select_from(_experts.outerjoin(_people, _people.c.person_id == _experts.c.person_id))
                .where(_experts.c.suggestion_set_id.in_(set_ids))
                .order_by(_experts.c.rank)
            ),
            "suggestion_set_id",
        )
        decisions: dict[Any, dict[str, Any]] = {}
        for r in bind.execute(
            sa.select(_decisions)
            .where(_decisions.c.demand_id.in_([d for d, _ in part]))
            .order_by(_decisions.c.decided_at)
        ):
            decisions.setdefault(r.demand_id, {})[str(r.carrier_id)] = r
        rows = [
            {
                "demand_id": demand_id,
                "suggestion_set_id": s.suggestion_set_id,
                "weights": weights_key,
                "body": views.render(
                    s,
                    carriers.get(s.suggestion_set_id, []),
                    experts.get(s.suggestion_set_id, []),
                    decisions.get(demand_id, {}),
                    conflicted.get(enterprise_of.get(demand_id), set()),
                    weights,
                ),
                "rendered_at": now,
            }
            for demand_id, s in part
        ]
        bind.execute(sa.insert(_views), rows)


def downgrade() -> None:
    op.drop_table("suggestion_views")
