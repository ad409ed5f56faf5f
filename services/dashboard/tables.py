"""The dashboard's projection tables (SQLAlchemy Core), mirrored by its Alembic migrations.

One small row per demand, contract and payment, written by the event handlers so that every
KPI and breakdown is a ``GROUP BY`` over them (no running counters to drift). Each column is
set so that applying an event twice, or events in another order, gives the same row:
stage times keep the earliest time seen, attributes keep the value of the latest event that
set them (``*_at`` columns), payments are keyed by their id.
"""

import sqlalchemy as sa

from shared.db import UTCDateTime
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

MONTH = sa.String(7)  # "YYYY-MM", the institute's month of the event (shared.calendar)

demands = sa.Table(
    "dashboard_demands",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("enterprise_id", sa.Uuid()),
    # Attributes, each with the time of the event that set it (last writer wins).
    sa.Column("center_id", sa.Uuid()),
    sa.Column("center_at", UTCDateTime()),
    sa.Column("budget", sa.Numeric(18, 2)),
    sa.Column("budget_at", UTCDateTime()),
    sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("confidential_at", UTCDateTime()),
    sa.Column("fields_at", UTCDateTime()),  # the fields themselves are rows of dashboard_demand_fields
    sa.Column("carrier_id", sa.Uuid()),
    sa.Column("carrier_at", UTCDateTime()),
    sa.Column("project_manager_id", sa.Uuid()),
    sa.Column("project_manager_at", UTCDateTime()),
    # What the demand is called and where (a viewer sees the title of a demand it sees at all).
    sa.Column("title", sa.String(200)),
    sa.Column("title_at", UTCDateTime()),
    sa.Column("province", sa.String(40)),
    sa.Column("city", sa.String(40)),
    sa.Column("place_at", UTCDateTime()),
    # The funnel: when each stage was first reached, and its month (the institute's).
    sa.Column("submitted_at", UTCDateTime()),
    sa.Column("submitted_month", MONTH),
    sa.Column("published_at", UTCDateTime()),
    sa.Column("published_month", MONTH),
    sa.Column("matched_at", UTCDateTime()),
    sa.Column("matched_month", MONTH),
    sa.Column("contracted_at", UTCDateTime()),
    sa.Column("contracted_month", MONTH),
    sa.Column("completed_at", UTCDateTime()),
    sa.Column("completed_month", MONTH),
    # Ways out of the funnel.
    sa.Column("withdrawn_at", UTCDateTime()),
    sa.Column("rejected_at", UTCDateTime()),
    sa.Column("expired_at", UTCDateTime()),
    sa.Index("ix_dashboard_demands_center", "center_id"),
    sa.Index("ix_dashboard_demands_carrier", "carrier_id"),
    sa.Index("ix_dashboard_demands_pm", "project_manager_id"),
    sa.Index("ix_dashboard_demands_province", "province"),
)

demand_fields = sa.Table(
    "dashboard_demand_fields",
    metadata,
    sa.Column("demand_id", sa.Uuid(), primary_key=True),
    sa.Column("field", sa.String(64), primary_key=True),
    sa.Index("ix_dashboard_demand_fields_field", "field"),
)

contracts = sa.Table(
    "dashboard_contracts",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid()),
    sa.Column("enterprise_id", sa.Uuid()),
    sa.Column("carrier_id", sa.Uuid()),
    sa.Column("center_id", sa.Uuid()),
    sa.Column("contract_type", sa.String(40)),
    sa.Column("project_manager_id", sa.Uuid()),
    sa.Column("project_manager_at", UTCDateTime()),
    # The value of the highest contract version seen (drafts count as version 0).
    sa.Column("value", sa.Numeric(18, 2)),
    sa.Column("value_version", sa.Integer()),
    sa.Column("drafted_at", UTCDateTime()),
    sa.Column("signed_at", UTCDateTime()),
    sa.Column("signed_month", MONTH),
    sa.Column("completed_at", UTCDateTime()),
    sa.Column("completed_month", MONTH),
    sa.Column("terminated_at", UTCDateTime()),
    sa.Index("ix_dashboard_contracts_demand", "demand_id"),
    sa.Index("ix_dashboard_contracts_carrier", "carrier_id"),
)

payments = sa.Table(
    "dashboard_payments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("contract_id", sa.Uuid(), nullable=False),
    sa.Column("carrier_id", sa.Uuid()),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
    sa.Column("month", MONTH, nullable=False),
    sa.Index("ix_dashboard_payments_contract", "contract_id"),
)

# Assignments of people to demands and contracts: a release names no role, so the projection
# remembers which assignments were a project manager's (and releases that arrive first).
assignments = sa.Table(
    "dashboard_assignments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("role", sa.String(40)),
    sa.Column("person_id", sa.Uuid()),
    sa.Column("target_type", sa.String(20)),
    sa.Column("target_id", sa.Uuid()),
    sa.Column("made_at", UTCDateTime()),
    sa.Column("released_at", UTCDateTime()),
)

# Display names of the breakdowns' keys: joint innovation centers, carriers, project managers.
labels = sa.Table(
    "dashboard_labels",
    metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("named_at", UTCDateTime(), nullable=False),
)

# The supply side: joint innovation centers, carriers (by kind), people (by role) and trainees,
# each with when it started (established, registered, enrolled) and, for trainees, moved on.
supply = sa.Table(
    "dashboard_supply",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # center, carrier, person, trainee
    sa.Column("category", sa.String(40)),  # a carrier's kind
    sa.Column("roles", sa.String(300)),  # a person's roles, ",a,b,"
    sa.Column("category_at", UTCDateTime()),
    sa.Column("started_at", UTCDateTime()),
    sa.Column("started_month", MONTH),
    sa.Column("placed_at", UTCDateTime()),
    sa.Column("graduated_at", UTCDateTime()),
    sa.Column("withdrawn_at", UTCDateTime()),
    sa.Index("ix_dashboard_supply_kind", "kind"),
)

# The funds the institute backs and their investments (FundEstablished, FundInvested: facts that
# never change, keyed by their ids), dated by the day each happened (its start, the institute's).
funds = sa.Table(
    "dashboard_funds",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("committed_capital", sa.Numeric(18, 2), nullable=False),
    sa.Column("institute_commitment", sa.Numeric(18, 2), nullable=False),
    sa.Column("social_capital", sa.Numeric(18, 2), nullable=False),
    sa.Column("established_at", UTCDateTime(), nullable=False),
    sa.Column("established_month", MONTH, nullable=False),
)

fund_investments = sa.Table(
    "dashboard_fund_investments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("fund_id", sa.Uuid(), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("invested_at", UTCDateTime(), nullable=False),
    sa.Column("month", MONTH, nullable=False),
)

# The latest events (ids and types only, no data) for a page that has just opened.
recent_events = sa.Table(
    "dashboard_recent_events",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(64), nullable=False),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Index("ix_dashboard_recent_events_occurred", "occurred_at"),
)

PROJECTION = (
    demands,
    demand_fields,
    contracts,
    payments,
    assignments,
    labels,
    supply,
    funds,
    fund_investments,
    recent_events,
)

outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
