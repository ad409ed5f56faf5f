"""initial schema

Revision ID: 2f97da4a45f4
Revises:
Create Date: 2026-11-29 04:30:21.254901
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db

revision: str = "2f97da4a45f4"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("target_type", sa.String(length=20), nullable=True),
        sa.Column("target_id", sa.Uuid(), nullable=True),
        sa.Column("made_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "dashboard_contracts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=True),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("carrier_id", sa.Uuid(), nullable=True),
        sa.Column("center_id", sa.Uuid(), nullable=True),
        sa.Column("contract_type", sa.String(length=40), nullable=True),
        sa.Column("project_manager_id", sa.Uuid(), nullable=True),
        sa.Column("project_manager_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("value_version", sa.Integer(), nullable=True),
        sa.Column("drafted_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_month", sa.String(length=7), nullable=True),
        sa.Column("completed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_month", sa.String(length=7), nullable=True),
        sa.Column("terminated_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dashboard_contracts", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_contracts_carrier", ["carrier_id"], unique=False)
        batch_op.create_index("ix_dashboard_contracts_demand", ["demand_id"], unique=False)

    op.create_table(
        "dashboard_demand_fields",
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("demand_id", "field"),
    )
    with op.batch_alter_table("dashboard_demand_fields", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_demand_fields_field", ["field"], unique=False)

    op.create_table(
        "dashboard_demands",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("center_id", sa.Uuid(), nullable=True),
        sa.Column("center_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("budget", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("budget_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confidential", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("confidential_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fields_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("carrier_id", sa.Uuid(), nullable=True),
        sa.Column("carrier_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("project_manager_id", sa.Uuid(), nullable=True),
        sa.Column("project_manager_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_month", sa.String(length=7), nullable=True),
        sa.Column("published_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_month", sa.String(length=7), nullable=True),
        sa.Column("matched_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("matched_month", sa.String(length=7), nullable=True),
        sa.Column("contracted_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("contracted_month", sa.String(length=7), nullable=True),
        sa.Column("completed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_month", sa.String(length=7), nullable=True),
        sa.Column("withdrawn_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rejected_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expired_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dashboard_demands", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_demands_carrier", ["carrier_id"], unique=False)
        batch_op.create_index("ix_dashboard_demands_center", ["center_id"], unique=False)
        batch_op.create_index("ix_dashboard_demands_pm", ["project_manager_id"], unique=False)

    op.create_table(
        "dashboard_labels",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("named_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "id"),
    )
    op.create_table(
        "dashboard_payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("recorded_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("dashboard_payments", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_payments_contract", ["contract_id"], unique=False)

    op.create_table(
        "dashboard_recent_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("dashboard_recent_events", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_recent_events_occurred", ["occurred_at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("aggregate_type", sa.String(length=64), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=128), nullable=False),
        sa.Column("topic", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("traceparent", sa.String(length=55), nullable=True),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_unpublished",
            ["seq"],
            unique=False,
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.create_table(
        "processed_messages",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=128), nullable=False),
        sa.Column("processed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("processed_messages")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_unpublished",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.drop_table("outbox")
    with op.batch_alter_table("dashboard_recent_events", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_recent_events_occurred")

    op.drop_table("dashboard_recent_events")
    with op.batch_alter_table("dashboard_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_payments_contract")

    op.drop_table("dashboard_payments")
    op.drop_table("dashboard_labels")
    with op.batch_alter_table("dashboard_demands", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_demands_pm")
        batch_op.drop_index("ix_dashboard_demands_center")
        batch_op.drop_index("ix_dashboard_demands_carrier")

    op.drop_table("dashboard_demands")
    with op.batch_alter_table("dashboard_demand_fields", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_demand_fields_field")

    op.drop_table("dashboard_demand_fields")
    with op.batch_alter_table("dashboard_contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_contracts_demand")
        batch_op.drop_index("ix_dashboard_contracts_carrier")

    op.drop_table("dashboard_contracts")
    op.drop_table("dashboard_assignments")
