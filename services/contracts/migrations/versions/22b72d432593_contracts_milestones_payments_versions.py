"""contracts milestones payments versions

Revision ID: 22b72d432593
Revises: f038cbfd9a09
Create Date: 2026-11-29 04:24:30.256700
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shared.db

revision: str = "22b72d432593"
down_revision: str | None = "f038cbfd9a09"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accepted_matches",
        sa.Column("match_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("project_manager_id", sa.Uuid(), nullable=True),
        sa.Column("center_id", sa.Uuid(), nullable=True),
        sa.Column("demand_title", sa.String(length=300), nullable=False),
        sa.Column("demand_type", sa.String(length=40), nullable=False),
        sa.Column("budget", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("accepted_by", sa.String(length=200), nullable=False),
        sa.Column("accepted_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("match_id"),
    )
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
        "contract_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("status_after", sa.String(length=40), nullable=False),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contract_history", schema=None) as batch_op:
        batch_op.create_index("ix_contract_history_contract", ["contract_id", "id"], unique=False)

    op.create_table(
        "contract_versions",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "terms", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "enterprise_signature",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "carrier_signature",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "changes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
        ),
        sa.PrimaryKeyConstraint("contract_id", "number"),
    )
    op.create_table(
        "milestones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("deliverables", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("delivered_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivery_note", sa.Text(), nullable=True),
        sa.Column("accepted_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rejected_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("rejections", sa.Integer(), nullable=False),
        sa.Column("paid_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name="ck_milestones_amount_positive"),
        sa.CheckConstraint("paid_amount >= 0 AND paid_amount <= amount", name="ck_milestones_paid_within_amount"),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index("ix_milestones_contract", ["contract_id", "position"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("milestone_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("paid_month", sa.String(length=7), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_payments_amount_positive"),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestones.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_contract_recorded", ["contract_id", "recorded_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_milestone_id"), ["milestone_id"], unique=False)
        batch_op.create_index("ix_payments_paid_month", ["paid_month"], unique=False)

    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("project_manager_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("center_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("currency", sa.String(length=3), server_default="CNY", nullable=False))
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ip_ownership", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("ip_enterprise_share", sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column("ip_carrier_share", sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(
            sa.Column("confidentiality", sa.String(length=20), server_default="confidential", nullable=False)
        )
        batch_op.add_column(sa.Column("confidentiality_years", sa.SmallInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "investment",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "conversion",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("contract_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("latest_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column(
                "proposal", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "proposal_changes",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "enterprise_signature",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "carrier_signature",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("paid_total", sa.Numeric(precision=18, scale=2), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("signed_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signed_month", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("completed_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("terminated_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("termination_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("updated_at", shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column(
            "status", existing_type=sa.VARCHAR(length=20), type_=sa.String(length=40), existing_nullable=False
        )
        batch_op.create_index("ix_contracts_carrier_created", ["carrier_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_contracts_center", ["center_id"], unique=False)
        batch_op.create_index("ix_contracts_enterprise_created", ["enterprise_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_contracts_pm_created", ["project_manager_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_contracts_signed_month", ["signed_month"], unique=False)
        batch_op.create_index("ix_contracts_status_created", ["status", "created_at", "id"], unique=False)
        batch_op.create_check_constraint("ck_contracts_value_not_negative", "value >= 0")
        batch_op.create_check_constraint("ck_contracts_paid_within_value", "paid_total >= 0 AND paid_total <= value")
        batch_op.create_index(
            "uq_contracts_live_match",
            ["match_id"],
            unique=True,
            postgresql_where=sa.text("status <> 'terminated'"),
            sqlite_where=sa.text("status <> 'terminated'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_contracts_live_match",
            postgresql_where=sa.text("status <> 'terminated'"),
            sqlite_where=sa.text("status <> 'terminated'"),
        )
        batch_op.drop_constraint("ck_contracts_paid_within_value", type_="check")
        batch_op.drop_constraint("ck_contracts_value_not_negative", type_="check")
        batch_op.drop_index("ix_contracts_status_created")
        batch_op.drop_index("ix_contracts_signed_month")
        batch_op.drop_index("ix_contracts_pm_created")
        batch_op.drop_index("ix_contracts_enterprise_created")
        batch_op.drop_index("ix_contracts_center")
        batch_op.drop_index("ix_contracts_carrier_created")
        batch_op.alter_column(
            "status", existing_type=sa.String(length=40), type_=sa.VARCHAR(length=20), existing_nullable=False
        )
        batch_op.drop_column("updated_at")
        batch_op.drop_column("created_by")
        batch_op.drop_column("termination_reason")
        batch_op.drop_column("terminated_at")
        batch_op.drop_column("completed_at")
        batch_op.drop_column("signed_month")
        batch_op.drop_column("signed_at")
        batch_op.drop_column("paid_total")
        batch_op.drop_column("carrier_signature")
        batch_op.drop_column("enterprise_signature")
        batch_op.drop_column("proposal_changes")
        batch_op.drop_column("proposal")
        batch_op.drop_column("latest_version")
        batch_op.drop_column("contract_version")
        batch_op.drop_column("conversion")
        batch_op.drop_column("investment")
        batch_op.drop_column("confidentiality_years")
        batch_op.drop_column("confidentiality")
        batch_op.drop_column("ip_carrier_share")
        batch_op.drop_column("ip_enterprise_share")
        batch_op.drop_column("ip_ownership")
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
        batch_op.drop_column("currency")
        batch_op.drop_column("scope")
        batch_op.drop_column("center_id")
        batch_op.drop_column("project_manager_id")
        batch_op.drop_column("match_id")

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_paid_month")
        batch_op.drop_index(batch_op.f("ix_payments_milestone_id"))
        batch_op.drop_index("ix_payments_contract_recorded")

    op.drop_table("payments")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index("ix_milestones_contract")

    op.drop_table("milestones")
    op.drop_table("contract_versions")
    with op.batch_alter_table("contract_history", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_history_contract")

    op.drop_table("contract_history")
    op.drop_table("idempotency_keys")
    op.drop_table("accepted_matches")
