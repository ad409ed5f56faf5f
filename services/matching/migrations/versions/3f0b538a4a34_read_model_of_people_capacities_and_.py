"""read model of people, capacities and contracts; curation, conflicts, assignments

Revision ID: 3f0b538a4a34
Revises: ae07ad5bfbb7
Create Date: 2026-11-29 04:37:41.973308
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shared.db

revision: str = "3f0b538a4a34"
down_revision: str | None = "ae07ad5bfbb7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignment_batches",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("k", sa.SmallInteger(), nullable=False),
        sa.Column("floor", sa.Float(), nullable=False),
        sa.Column("total_score", sa.Float(), nullable=False),
        sa.Column(
            "result", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_table(
        "capacity_states",
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("subject_type", sa.String(length=10), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active_load", sa.Integer(), nullable=False),
        sa.Column("changed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id"),
    )
    op.create_table(
        "conflicts_of_interest",
        sa.Column("conflict_id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conflict_id"),
        sa.UniqueConstraint("enterprise_id", "carrier_id", name="uq_conflicts_enterprise_carrier"),
    )
    with op.batch_alter_table("conflicts_of_interest", schema=None) as batch_op:
        batch_op.create_index("ix_conflicts_created", ["created_at", "conflict_id"], unique=False)

    op.create_table(
        "contract_records",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=True),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("contract_id"),
    )
    with op.batch_alter_table("contract_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_records_carrier_id"), ["carrier_id"], unique=False)

    op.create_table(
        "expert_suggestions",
        sa.Column("suggestion_set_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=True),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "components", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "matched_terms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("at_capacity", sa.Boolean(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("suggestion_set_id", "person_id"),
    )
    with op.batch_alter_table("expert_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_suggestions_demand_id"), ["demand_id"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    op.create_table(
        "match_decisions",
        sa.Column("match_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("suggestion_set_id", sa.Uuid(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("carrier_name", sa.String(length=300), nullable=True),
        sa.Column(
            "carrier_fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column(
            "matched_terms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column(
            "components",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("match_id"),
        sa.UniqueConstraint("demand_id", "carrier_id", name="uq_match_decisions_demand_carrier"),
    )
    with op.batch_alter_table("match_decisions", schema=None) as batch_op:
        batch_op.create_index("ix_match_decisions_decided", ["decided_at", "match_id"], unique=False)

    op.create_table(
        "person_profiles",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("carrier_id", sa.Uuid(), nullable=True),
        sa.Column("university", sa.String(length=200), nullable=True),
        sa.Column(
            "fields", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "keywords", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "languages", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active_load", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("written_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("person_id"),
    )
    with op.batch_alter_table("person_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_profiles_carrier_id"), ["carrier_id"], unique=False)
        batch_op.create_index("ix_person_profiles_written", ["written_at"], unique=False)

    op.create_table(
        "read_model_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("rebuilt_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "suggestion_sets",
        sa.Column("suggestion_set_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("suggestion_set_id"),
    )
    with op.batch_alter_table("suggestion_sets", schema=None) as batch_op:
        batch_op.create_index("ix_suggestion_sets_demand_created", ["demand_id", "created_at"], unique=False)

    with op.batch_alter_table("carrier_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active_load", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column(
                "track",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default=sa.text("'[]'"),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("written_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_carrier_profiles_written", ["written_at"], unique=False)

    with op.batch_alter_table("demand_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("center_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("trl_current", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("trl_target", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("deadline", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confidentiality", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("published_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("written_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_demand_profiles_status_published", ["status", "published_at"], unique=False)
        batch_op.create_index("ix_demand_profiles_written", ["written_at"], unique=False)

    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("base_score", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "adjustments",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default=sa.text("'[]'"),
                nullable=False,
            )
        )
        batch_op.create_index("ix_suggestions_demand_carrier", ["demand_id", "carrier_id"], unique=False)

    # Suggestions made before sets were recorded get their set rows.
    op.execute(
        "INSERT INTO suggestion_sets (suggestion_set_id, demand_id, trigger, created_at) "
        "SELECT suggestion_set_id, demand_id, 'legacy', MIN(created_at) FROM suggestions "
        "GROUP BY suggestion_set_id, demand_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestions_demand_carrier")
        batch_op.drop_column("adjustments")
        batch_op.drop_column("base_score")

    with op.batch_alter_table("demand_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_demand_profiles_written")
        batch_op.drop_index("ix_demand_profiles_status_published")
        batch_op.drop_column("written_at")
        batch_op.drop_column("version")
        batch_op.drop_column("published_at")
        batch_op.drop_column("confidentiality")
        batch_op.drop_column("deadline")
        batch_op.drop_column("trl_target")
        batch_op.drop_column("trl_current")
        batch_op.drop_column("center_id")

    with op.batch_alter_table("carrier_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_carrier_profiles_written")
        batch_op.drop_column("written_at")
        batch_op.drop_column("track")
        batch_op.drop_column("active_load")

    with op.batch_alter_table("suggestion_sets", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestion_sets_demand_created")

    op.drop_table("suggestion_sets")
    op.drop_table("read_model_state")
    with op.batch_alter_table("person_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_person_profiles_written")
        batch_op.drop_index(batch_op.f("ix_person_profiles_carrier_id"))

    op.drop_table("person_profiles")
    with op.batch_alter_table("match_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_match_decisions_decided")

    op.drop_table("match_decisions")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("expert_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_suggestions_demand_id"))

    op.drop_table("expert_suggestions")
    with op.batch_alter_table("contract_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_records_carrier_id"))

    op.drop_table("contract_records")
    with op.batch_alter_table("conflicts_of_interest", schema=None) as batch_op:
        batch_op.drop_index("ix_conflicts_created")

    op.drop_table("conflicts_of_interest")
    op.drop_table("capacity_states")
    op.drop_table("assignment_batches")
