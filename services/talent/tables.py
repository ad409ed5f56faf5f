"""The talent service's tables: carriers, people, joint training, assignments, and its own
copy of the contracts and accepted matches it learns about from events."""

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.history import imported_records_table
from shared.idempotency import idempotency_table
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

ZERO_MONEY = sa.text("0")

carriers = sa.Table(
    "carriers",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("name_zh", sa.String(200)),
    sa.Column("name_en", sa.String(300)),
    sa.Column("city", sa.String(50)),
    sa.Column("province", sa.String(50)),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("capabilities", sa.Text(), nullable=False),
    sa.Column("equipment", JSONType, nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # The natural key of bulk onboarding: kind | normalised name (see domain.carrier_name_key).
    sa.Column("name_key", sa.String(400), nullable=False, server_default=""),
    # Normalised names, capabilities, keywords and equipment for text search.
    sa.Column("search_text", sa.Text(), nullable=False, server_default=""),
    # Track record, kept current from contracts' and matching's events.
    sa.Column("active_load", sa.Integer(), nullable=False, server_default=sa.text("0")),
    sa.Column("completed_contracts", sa.Integer(), nullable=False, server_default=sa.text("0")),
    sa.Column("contract_value", sa.Numeric(18, 2), nullable=False, server_default=ZERO_MONEY),
    sa.Column("matches_accepted", sa.Integer(), nullable=False, server_default=sa.text("0")),
    sa.Index("ix_carriers_created", "created_at", "id"),
    sa.Index("ix_carriers_name_key", "name_key"),
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(300)),
    sa.Column("title", sa.String(100)),
    sa.Column("roles", JSONType, nullable=False),
    sa.Column("carrier_id", sa.Uuid(), sa.ForeignKey("carriers.id")),
    sa.Column("university", sa.String(200)),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("languages", JSONType, nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    # Personal contact data: shown only to operators, admins and the person's own carrier.
    sa.Column("email", sa.String(254)),
    sa.Column("phone", sa.String(40)),
    sa.Column("wechat", sa.String(100)),
    sa.Column("name_key", sa.String(500), nullable=False),
    sa.Column("search_text", sa.Text(), nullable=False),
    sa.Column("active_load", sa.Integer(), nullable=False, server_default=sa.text("0")),
    sa.Column("completed_contracts", sa.Integer(), nullable=False, server_default=sa.text("0")),
    sa.Column("contract_value", sa.Numeric(18, 2), nullable=False, server_default=ZERO_MONEY),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_people_created", "created_at", "id"),
    sa.Index("ix_people_carrier", "carrier_id"),
    sa.Index("ix_people_name_key", "name_key"),
    sa.Index("ux_people_email", "email", unique=True),
)

trainees = sa.Table(
    "trainees",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("person_id", sa.Uuid(), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("programme", sa.String(30), nullable=False),
    sa.Column("university", sa.String(200), nullable=False),
    sa.Column("carrier_id", sa.Uuid(), sa.ForeignKey("carriers.id"), nullable=False),
    sa.Column("supervisor_id", sa.Uuid(), sa.ForeignKey("people.id")),
    sa.Column("starts_on", sa.Date(), nullable=False),
    sa.Column("ends_on", sa.Date(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("status_reason", sa.Text()),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_trainees_created", "created_at", "id"),
    sa.Index("ix_trainees_person", "person_id"),
    sa.Index("ix_trainees_carrier", "carrier_id"),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("person_id", sa.Uuid(), sa.ForeignKey("people.id")),
    # The carrier engaged: the person's carrier for a researcher, the carrier itself for a
    # carrier assignment; none for a project manager.
    sa.Column("carrier_id", sa.Uuid(), sa.ForeignKey("carriers.id")),
    sa.Column("target_type", sa.String(20), nullable=False),
    sa.Column("target_id", sa.Uuid(), nullable=False),
    sa.Column("role", sa.String(50), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("source", sa.String(30), nullable=False),  # api | contract_signed
    sa.Column("made_by", sa.String(200)),
    sa.Column("made_at", UTCDateTime(), nullable=False),
    sa.Column("released_at", UTCDateTime()),
    sa.Column("release_reason", sa.String(200)),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Index("ix_assignments_made", "made_at", "id"),
    sa.Index("ix_assignments_person_status", "person_id", "status"),
    sa.Index("ix_assignments_carrier_status", "carrier_id", "status"),
    sa.Index("ix_assignments_target", "target_type", "target_id", "status"),
    # Who is on a demand or a contract, newest first (the composed demand page asks on every view).
    sa.Index("ix_assignments_target_made", "target_id", "made_at", "id"),
    # One active assignment per person per target, and per carrier per target (the database
    # settles two concurrent requests).
    sa.Index(
        "ux_assignments_active_person",
        "person_id",
        "target_type",
        "target_id",
        unique=True,
        postgresql_where=sa.text("status = 'active' AND person_id IS NOT NULL"),
        sqlite_where=sa.text("status = 'active' AND person_id IS NOT NULL"),
    ),
    sa.Index(
        "ux_assignments_active_carrier",
        "carrier_id",
        "target_type",
        "target_id",
        unique=True,
        postgresql_where=sa.text("status = 'active' AND person_id IS NULL"),
        sqlite_where=sa.text("status = 'active' AND person_id IS NULL"),
    ),
)

# Talent's own copy of the contracts it heard of (ContractSigned/Completed/Terminated).
contract_records = sa.Table(
    "contract_records",
    metadata,
    sa.Column("contract_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid()),
    sa.Column("carrier_id", sa.Uuid(), nullable=False),
    sa.Column("project_manager_id", sa.Uuid()),
    sa.Column("value", sa.Numeric(18, 2)),
    sa.Column("status", sa.String(20), nullable=False),  # signed | completed | terminated
    sa.Column("signed_at", UTCDateTime()),
    sa.Column("closed_at", UTCDateTime()),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_contract_records_demand", "demand_id"),
)

# Accepted matches (MatchAccepted): who brokers which demand with which carrier.
match_records = sa.Table(
    "match_records",
    metadata,
    sa.Column("match_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), nullable=False),
    sa.Column("carrier_id", sa.Uuid(), nullable=False),
    sa.Column("project_manager_id", sa.Uuid()),
    sa.Column("accepted_at", UTCDateTime(), nullable=False),
    sa.Index("ix_match_records_demand", "demand_id", "accepted_at"),
)

# What the history import recorded (shared.history): "trainee:T0001", "trainee:T0001#placed".
imported_records = imported_records_table(metadata)

idempotency_keys = idempotency_table(metadata)
outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
