"""The matching service's tables.

The read model (carrier, person and demand profiles, capacities, contract records) is
built from other services' events only and can be rebuilt from scratch by replaying the
topics (``services.matching.rebuild``). The rest is matching's own: suggestions, curation
decisions, conflicts of interest and assignment batches.
"""

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.history import imported_records_table
from shared.idempotency import idempotency_table
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

# -- read model (from events) -----------------------------------------------------------------

carrier_profiles = sa.Table(
    "carrier_profiles",
    metadata,
    sa.Column("carrier_id", sa.Uuid(), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("name_en", sa.String(300)),  # the English name, when ``name`` is another one
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("city", sa.String(50)),
    sa.Column("province", sa.String(50)),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("capabilities", sa.Text(), nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("active_load", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # Completed contracts [{"fields": [...], "value": "..."}], recomputed from contract_records.
    sa.Column("track", JSONType, nullable=False, server_default=sa.text("'[]'")),
    # When this process wrote the row: other replicas catch their in-memory index up by it.
    sa.Column("written_at", UTCDateTime()),
    sa.Index("ix_carrier_profiles_written", "written_at"),
)

person_profiles = sa.Table(
    "person_profiles",
    metadata,
    sa.Column("person_id", sa.Uuid(), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200)),
    sa.Column("roles", JSONType, nullable=False),
    sa.Column("carrier_id", sa.Uuid(), index=True),
    sa.Column("university", sa.String(200)),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("languages", JSONType, nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("active_load", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("written_at", UTCDateTime()),
    sa.Index("ix_person_profiles_written", "written_at"),
)

# The latest CapacityChanged per carrier or person (it may arrive before the profile does).
capacity_states = sa.Table(
    "capacity_states",
    metadata,
    sa.Column("subject_id", sa.Uuid(), primary_key=True),
    sa.Column("subject_type", sa.String(10), nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("active_load", sa.Integer(), nullable=False),
    sa.Column("changed_at", UTCDateTime(), nullable=False),
)

demand_profiles = sa.Table(
    "demand_profiles",
    metadata,
    sa.Column("demand_id", sa.Uuid(), primary_key=True),
    sa.Column("enterprise_id", sa.Uuid(), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("keywords", JSONType, nullable=False),
    sa.Column("demand_type", sa.String(40), nullable=False),
    sa.Column("budget", sa.Numeric(18, 2)),
    sa.Column("province", sa.String(50)),
    sa.Column("city", sa.String(50)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("center_id", sa.Uuid()),
    sa.Column("trl_current", sa.SmallInteger()),
    sa.Column("trl_target", sa.SmallInteger()),
    sa.Column("deadline", UTCDateTime()),
    sa.Column("confidentiality", sa.String(20)),
    sa.Column("published_at", UTCDateTime()),
    sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("written_at", UTCDateTime()),
    sa.Index("ix_demand_profiles_status_published", "status", "published_at"),
    sa.Index("ix_demand_profiles_written", "written_at"),
)

# The carriers that may read a confidential demand in full (DemandAccessGranted, not revoked since):
# what matching shows a carrier's user of a confidential demand depends on it (shared.visibility).
demand_access_grants = sa.Table(
    "demand_access_grants",
    metadata,
    sa.Column("demand_id", sa.Uuid(), primary_key=True),
    sa.Column("carrier_id", sa.Uuid(), primary_key=True),
    sa.Column("granted_at", UTCDateTime(), nullable=False),
)

# Contracts, for the track record (completed) and "already working together" (signed).
contract_records = sa.Table(
    "contract_records",
    metadata,
    sa.Column("contract_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid()),
    sa.Column("enterprise_id", sa.Uuid(), nullable=False),
    sa.Column("carrier_id", sa.Uuid(), nullable=False, index=True),
    sa.Column("value", sa.Numeric(18, 2), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # signed, completed, terminated
    sa.Column("signed_at", UTCDateTime()),
    sa.Column("completed_at", UTCDateTime()),
)

# Bumped by a rebuild: every process reloads its index when it sees a new generation.
read_model_state = sa.Table(
    "read_model_state",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("generation", sa.Integer(), nullable=False),
    sa.Column("rebuilt_at", UTCDateTime()),
)

# -- matching's own ---------------------------------------------------------------------------

suggestion_sets = sa.Table(
    "suggestion_sets",
    metadata,
    sa.Column("suggestion_set_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), nullable=False),
    sa.Column("trigger", sa.String(30), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_suggestion_sets_demand_created", "demand_id", "created_at"),
)

suggestions = sa.Table(
    "suggestions",
    metadata,
    sa.Column("suggestion_set_id", sa.Uuid(), primary_key=True),
    sa.Column("carrier_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), nullable=False),
    sa.Column("rank", sa.SmallInteger(), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("components", JSONType, nullable=False),
    sa.Column("matched_terms", JSONType, nullable=False),
    sa.Column("at_capacity", sa.Boolean(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("base_score", sa.Float()),
    sa.Column("adjustments", JSONType, nullable=False, server_default=sa.text("'[]'")),
    sa.Index("ix_suggestions_demand_created", "demand_id", "created_at"),
    sa.Index("ix_suggestions_demand_carrier", "demand_id", "carrier_id"),
)

expert_suggestions = sa.Table(
    "expert_suggestions",
    metadata,
    sa.Column("suggestion_set_id", sa.Uuid(), primary_key=True),
    sa.Column("person_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), nullable=False, index=True),
    sa.Column("carrier_id", sa.Uuid()),
    sa.Column("rank", sa.SmallInteger(), nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("components", JSONType, nullable=False),
    sa.Column("matched_terms", JSONType, nullable=False),
    sa.Column("at_capacity", sa.Boolean(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

# What GET /demands/{id}/suggestions shows of a demand's latest suggestion set, rendered (JSON)
# whenever something it shows changes (a new set, a decision, a conflict of interest, a carrier's
# or an expert's name), in the same transaction; the demand's status and enterprise are joined
# in at read time from demand_profiles. ``weights`` are the score weights the explanations were
# written with: a process configured with other weights renders afresh instead.
suggestion_views = sa.Table(
    "suggestion_views",
    metadata,
    sa.Column("demand_id", sa.Uuid(), primary_key=True),
    sa.Column("suggestion_set_id", sa.Uuid()),
    sa.Column("weights", sa.Text()),
    sa.Column("body", sa.Text()),
    sa.Column("rendered_at", UTCDateTime()),
)

match_decisions = sa.Table(
    "match_decisions",
    metadata,
    sa.Column("match_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), nullable=False),
    sa.Column("carrier_id", sa.Uuid(), nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),  # accepted, rejected
    sa.Column("reason_code", sa.String(40)),
    sa.Column("reason_note", sa.Text()),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.Column("suggestion_set_id", sa.Uuid()),
    sa.Column("score", sa.Float()),
    # What the rejected suggestion looked like, for lowering similar ones.
    sa.Column("carrier_name", sa.String(300)),
    sa.Column("carrier_fields", JSONType, nullable=False, server_default=sa.text("'[]'")),
    sa.Column("matched_terms", JSONType, nullable=False, server_default=sa.text("'[]'")),
    sa.Column("components", JSONType, nullable=False, server_default=sa.text("'{}'")),
    # A match to a team: {"lead_person_id": ..., "members": [{"person_id": ..., "role": ...}]}.
    sa.Column("team", JSONType),
    sa.UniqueConstraint("demand_id", "carrier_id", name="uq_match_decisions_demand_carrier"),
    sa.Index("ix_match_decisions_decided", "decided_at", "match_id"),
)

conflicts_of_interest = sa.Table(
    "conflicts_of_interest",
    metadata,
    sa.Column("conflict_id", sa.Uuid(), primary_key=True),
    sa.Column("enterprise_id", sa.Uuid(), nullable=False),
    sa.Column("carrier_id", sa.Uuid(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("enterprise_id", "carrier_id", name="uq_conflicts_enterprise_carrier"),
    sa.Index("ix_conflicts_created", "created_at", "conflict_id"),
)

assignment_batches = sa.Table(
    "assignment_batches",
    metadata,
    sa.Column("batch_id", sa.Uuid(), primary_key=True),
    sa.Column("requested_by", sa.String(200), nullable=False),
    sa.Column("k", sa.SmallInteger(), nullable=False),
    sa.Column("floor", sa.Float(), nullable=False),
    sa.Column("total_score", sa.Float(), nullable=False),
    sa.Column("result", JSONType, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

idempotency_keys = idempotency_table(metadata)
imported_records = imported_records_table(metadata)  # the history import (shared.history)

outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
