"""people training assignments track record

Revision ID: 9c2bf0a5d039
Revises: 84e37315a601
Create Date: 2026-11-29 04:21:55.843674
"""

import json
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shared.db

revision: str = "9c2bf0a5d039"
down_revision: str | None = "84e37315a601"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_records",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=True),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("project_manager_id", sa.Uuid(), nullable=True),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("contract_id"),
    )
    with op.batch_alter_table("contract_records", schema=None) as batch_op:
        batch_op.create_index("ix_contract_records_demand", ["demand_id"], unique=False)

    op.create_table(
        "match_records",
        sa.Column("match_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("project_manager_id", sa.Uuid(), nullable=True),
        sa.Column("accepted_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("match_id"),
    )
    with op.batch_alter_table("match_records", schema=None) as batch_op:
        batch_op.create_index("ix_match_records_demand", ["demand_id", "accepted_at"], unique=False)

    op.create_table(
        "people",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=True),
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
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("wechat", sa.String(length=100), nullable=True),
        sa.Column("name_key", sa.String(length=500), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("active_load", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("completed_contracts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("contract_value", sa.Numeric(precision=18, scale=2), server_default=sa.text("0"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"],
            ["carriers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_carrier", ["carrier_id"], unique=False)
        batch_op.create_index("ix_people_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_people_name_key", ["name_key"], unique=False)
        batch_op.create_index("ux_people_email", ["email"], unique=True)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("carrier_id", sa.Uuid(), nullable=True),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("made_by", sa.String(length=200), nullable=True),
        sa.Column("made_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_at", shared.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("release_reason", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"],
            ["carriers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_carrier_status", ["carrier_id", "status"], unique=False)
        batch_op.create_index("ix_assignments_made", ["made_at", "id"], unique=False)
        batch_op.create_index("ix_assignments_person_status", ["person_id", "status"], unique=False)
        batch_op.create_index("ix_assignments_target", ["target_type", "target_id", "status"], unique=False)
        batch_op.create_index(
            "ux_assignments_active_carrier",
            ["carrier_id", "target_type", "target_id"],
            unique=True,
            postgresql_where=sa.text("status = 'active' AND person_id IS NULL"),
            sqlite_where=sa.text("status = 'active' AND person_id IS NULL"),
        )
        batch_op.create_index(
            "ux_assignments_active_person",
            ["person_id", "target_type", "target_id"],
            unique=True,
            postgresql_where=sa.text("status = 'active' AND person_id IS NOT NULL"),
            sqlite_where=sa.text("status = 'active' AND person_id IS NOT NULL"),
        )

    op.create_table(
        "trainees",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("university", sa.String(length=200), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("supervisor_id", sa.Uuid(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["carrier_id"],
            ["carriers.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.create_index("ix_trainees_carrier", ["carrier_id"], unique=False)
        batch_op.create_index("ix_trainees_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_trainees_person", ["person_id"], unique=False)

    with op.batch_alter_table("carriers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=400), server_default="", nullable=False))
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("active_load", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("completed_contracts", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(
            sa.Column("contract_value", sa.Numeric(precision=18, scale=2), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(sa.Column("matches_accepted", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.create_index("ix_carriers_name_key", ["name_key"], unique=False)

    _backfill_carrier_keys()


def _clean(text: str | None) -> str:
    # NFKC and lower case, as shared.text.normalize did at the time of writing.
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _backfill_carrier_keys() -> None:
    """Carriers registered before this revision get their natural key and search text
    (the same rules as services.talent.domain at the time of writing, inlined so the
    revision does not change when the service code does)."""
    bind = op.get_bind()
    carriers = sa.table(
        "carriers",
        sa.column("id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("name_zh", sa.String()),
        sa.column("name_en", sa.String()),
        sa.column("capabilities", sa.Text()),
        sa.column("keywords", sa.JSON()),
        sa.column("equipment", sa.JSON()),
        sa.column("city", sa.String()),
        sa.column("name_key", sa.String()),
        sa.column("search_text", sa.Text()),
    )
    rows = bind.execute(
        sa.select(
            carriers.c.id,
            carriers.c.kind,
            carriers.c.name_zh,
            carriers.c.name_en,
            carriers.c.capabilities,
            carriers.c.keywords,
            carriers.c.equipment,
            carriers.c.city,
        )
    ).all()
    for r in rows:
        keywords = r.keywords if isinstance(r.keywords, list) else json.loads(r.keywords or "[]")
        equipment = r.equipment if isinstance(r.equipment, list) else json.loads(r.equipment or "[]")
        parts = [r.name_zh or "", r.name_en or "", r.city or "", r.capabilities or "", *keywords, *equipment]
        bind.execute(
            sa.update(carriers)
            .where(carriers.c.id == r.id)
            .values(
                name_key=f"{r.kind}|{_clean(r.name_zh or r.name_en)}",
                search_text=_clean(" ".join(parts)),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("carriers", schema=None) as batch_op:
        batch_op.drop_index("ix_carriers_name_key")
        batch_op.drop_column("matches_accepted")
        batch_op.drop_column("contract_value")
        batch_op.drop_column("completed_contracts")
        batch_op.drop_column("active_load")
        batch_op.drop_column("search_text")
        batch_op.drop_column("name_key")

    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.drop_index("ix_trainees_person")
        batch_op.drop_index("ix_trainees_created")
        batch_op.drop_index("ix_trainees_carrier")

    op.drop_table("trainees")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_assignments_active_person",
            postgresql_where=sa.text("status = 'active' AND person_id IS NOT NULL"),
            sqlite_where=sa.text("status = 'active' AND person_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "ux_assignments_active_carrier",
            postgresql_where=sa.text("status = 'active' AND person_id IS NULL"),
            sqlite_where=sa.text("status = 'active' AND person_id IS NULL"),
        )
        batch_op.drop_index("ix_assignments_target")
        batch_op.drop_index("ix_assignments_person_status")
        batch_op.drop_index("ix_assignments_made")
        batch_op.drop_index("ix_assignments_carrier_status")

    op.drop_table("assignments")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ux_people_email")
        batch_op.drop_index("ix_people_name_key")
        batch_op.drop_index("ix_people_created")
        batch_op.drop_index("ix_people_carrier")

    op.drop_table("people")
    with op.batch_alter_table("match_records", schema=None) as batch_op:
        batch_op.drop_index("ix_match_records_demand")

    op.drop_table("match_records")
    with op.batch_alter_table("contract_records", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_records_demand")

    op.drop_table("contract_records")
