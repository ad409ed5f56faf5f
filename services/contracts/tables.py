"""The contracts service's tables (SQLAlchemy Core), mirrored by its Alembic migrations.

Money is NUMERIC(18,2); the database repeats the money invariants as CHECK constraints
(a milestone is never paid more than its amount, a contract never more than its value),
so even a bug above it cannot overpay.
"""

import sqlalchemy as sa

from shared.db import JSONType, UTCDateTime
from shared.history import imported_records_table
from shared.idempotency import idempotency_table
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

_BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

contracts = sa.Table(
    "contracts",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), index=True),
    sa.Column("enterprise_id", sa.Uuid(), nullable=False),
    sa.Column("carrier_id", sa.Uuid(), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("contract_type", sa.String(40), nullable=False),
    sa.Column("value", sa.Numeric(18, 2), nullable=False),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("match_id", sa.Uuid()),
    sa.Column("project_manager_id", sa.Uuid()),
    sa.Column("center_id", sa.Uuid()),
    sa.Column("scope", sa.Text()),
    sa.Column("currency", sa.String(3), nullable=False, server_default="CNY"),
    sa.Column("starts_on", sa.Date()),
    sa.Column("ends_on", sa.Date()),
    sa.Column("ip_ownership", sa.String(20)),
    sa.Column("ip_enterprise_share", sa.Numeric(5, 2)),
    sa.Column("ip_carrier_share", sa.Numeric(5, 2)),
    sa.Column("confidentiality", sa.String(20), nullable=False, server_default="confidential"),
    sa.Column("confidentiality_years", sa.SmallInteger()),
    sa.Column("investment", JSONType),
    sa.Column("conversion", JSONType),
    sa.Column("contract_version", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("latest_version", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("proposal", JSONType),
    sa.Column("proposal_changes", JSONType),
    sa.Column("enterprise_signature", JSONType),
    sa.Column("carrier_signature", JSONType),
    sa.Column("paid_total", sa.Numeric(18, 2), nullable=False, server_default="0"),
    sa.Column("signed_at", UTCDateTime()),
    # YYYY-MM in China Standard Time, the month the totals group a signed contract under.
    sa.Column("signed_month", sa.String(7)),
    sa.Column("completed_at", UTCDateTime()),
    sa.Column("terminated_at", UTCDateTime()),
    sa.Column("termination_reason", sa.Text()),
    sa.Column("created_by", sa.String(200)),
    sa.Column("updated_at", UTCDateTime()),
    # The contract as the API shows it (views.stored_view: JSON text), written with every change
    # of the row and stamped with the row version it shows and the renderer that rendered it
    # (views.RENDERER). Reads serve it while both are current; otherwise it is rendered afresh.
    sa.Column("view", sa.Text()),
    sa.Column("view_version", sa.Integer()),
    sa.Column("view_renderer", sa.SmallInteger()),
    sa.CheckConstraint("value >= 0", name="ck_contracts_value_not_negative"),
    sa.CheckConstraint("paid_total >= 0 AND paid_total <= value", name="ck_contracts_paid_within_value"),
    sa.Index("ix_contracts_created", "created_at", "id"),
    sa.Index("ix_contracts_enterprise_created", "enterprise_id", "created_at", "id"),
    sa.Index("ix_contracts_carrier_created", "carrier_id", "created_at", "id"),
    sa.Index("ix_contracts_pm_created", "project_manager_id", "created_at", "id"),
    sa.Index("ix_contracts_status_created", "status", "created_at", "id"),
    sa.Index("ix_contracts_center", "center_id"),
    sa.Index("ix_contracts_signed_month", "signed_month"),
    # One live contract per accepted match (a terminated one may be drafted again).
    sa.Index(
        "uq_contracts_live_match",
        "match_id",
        unique=True,
        postgresql_where=sa.text("status <> 'terminated'"),
        sqlite_where=sa.text("status <> 'terminated'"),
    ),
)

milestones = sa.Table(
    "milestones",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contracts.id"), nullable=False),
    sa.Column("position", sa.SmallInteger(), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("deliverables", sa.Text(), nullable=False),
    sa.Column("due_on", sa.Date(), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("paid_amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("delivered_at", UTCDateTime()),
    sa.Column("delivery_note", sa.Text()),
    sa.Column("accepted_at", UTCDateTime()),
    sa.Column("rejected_at", UTCDateTime()),
    sa.Column("rejection_reason", sa.Text()),
    sa.Column("rejections", sa.Integer(), nullable=False),
    sa.Column("paid_at", UTCDateTime()),
    sa.Column("cancelled_at", UTCDateTime()),
    sa.CheckConstraint("amount > 0", name="ck_milestones_amount_positive"),
    sa.CheckConstraint("paid_amount >= 0 AND paid_amount <= amount", name="ck_milestones_paid_within_amount"),
    sa.Index("ix_milestones_contract", "contract_id", "position"),
)

payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contracts.id"), nullable=False),
    sa.Column("milestone_id", sa.Uuid(), sa.ForeignKey("milestones.id"), nullable=False, index=True),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("paid_on", sa.Date(), nullable=False),
    sa.Column("paid_month", sa.String(7), nullable=False),
    sa.Column("reference", sa.String(100)),
    sa.Column("note", sa.Text()),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
    sa.CheckConstraint("amount > 0", name="ck_payments_amount_positive"),
    sa.Index("ix_payments_contract_recorded", "contract_id", "recorded_at", "id"),
    sa.Index("ix_payments_paid_month", "paid_month"),
)

# Every version of the terms: the first draft, each amendment (signed or withdrawn).
contract_versions = sa.Table(
    "contract_versions",
    metadata,
    sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contracts.id"), primary_key=True),
    sa.Column("number", sa.Integer(), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("terms", JSONType, nullable=False),
    sa.Column("enterprise_signature", JSONType),
    sa.Column("carrier_signature", JSONType),
    sa.Column("changes", JSONType),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("signed_at", UTCDateTime()),
)

# Who did what to a contract, including negotiation steps that publish no event.
contract_history = sa.Table(
    "contract_history",
    metadata,
    sa.Column("id", _BigIntId, primary_key=True, autoincrement=True),
    sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contracts.id"), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("status_after", sa.String(40), nullable=False),
    sa.Column("detail", JSONType),
    sa.Index("ix_contract_history_contract", "contract_id", "id"),
)

# Matching's MatchAccepted, as this service learnt it: what an operator's draft refers to.
accepted_matches = sa.Table(
    "accepted_matches",
    metadata,
    sa.Column("match_id", sa.Uuid(), primary_key=True),
    sa.Column("demand_id", sa.Uuid(), nullable=False),
    sa.Column("enterprise_id", sa.Uuid(), nullable=False),
    sa.Column("carrier_id", sa.Uuid(), nullable=False),
    sa.Column("project_manager_id", sa.Uuid()),
    sa.Column("center_id", sa.Uuid()),
    sa.Column("demand_title", sa.String(300), nullable=False),
    sa.Column("demand_type", sa.String(40), nullable=False),
    sa.Column("budget", sa.Numeric(18, 2)),
    sa.Column("accepted_by", sa.String(200), nullable=False),
    sa.Column("accepted_at", UTCDateTime(), nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
)

# The venture funds the institute backs (services/contracts/funds). The database repeats the
# money rules: the institute never commits more than the fund, the fund never invests more.
funds = sa.Table(
    "funds",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("manager", sa.String(200), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False, server_default="CNY"),
    sa.Column("committed_capital", sa.Numeric(18, 2), nullable=False),
    sa.Column("institute_commitment", sa.Numeric(18, 2), nullable=False),
    sa.Column("institute_stake_percent", sa.Numeric(7, 4), nullable=False),
    sa.Column("social_capital", sa.Numeric(18, 2), nullable=False),
    sa.Column("invested_total", sa.Numeric(18, 2), nullable=False, server_default="0"),
    sa.Column("investments", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("established_on", sa.Date(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.CheckConstraint(
        "institute_commitment > 0 AND institute_commitment <= committed_capital", name="ck_funds_commitment"
    ),
    sa.CheckConstraint("social_capital = committed_capital - institute_commitment", name="ck_funds_social_capital"),
    sa.CheckConstraint("invested_total >= 0 AND invested_total <= committed_capital", name="ck_funds_invested"),
    sa.Index("ix_funds_established", "established_on", "id"),
)

fund_investments = sa.Table(
    "fund_investments",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),
    sa.Column("fund_id", sa.Uuid(), sa.ForeignKey("funds.id"), nullable=False),
    sa.Column("company", sa.String(200), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("stake_percent", sa.Numeric(7, 4)),
    sa.Column("invested_on", sa.Date(), nullable=False),
    # The contract whose technology the company commercialises, when there is one.
    sa.Column("contract_id", sa.Uuid()),
    sa.Column("note", sa.Text()),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.CheckConstraint("amount > 0", name="ck_fund_investments_amount_positive"),
    sa.Index("ix_fund_investments_fund", "fund_id", "invested_on", "id"),
)

# The portfolio: every fund investment and every converted grant, one row each, written in the
# transaction that records it (the read model of GET /portfolio).
portfolio_holdings = sa.Table(
    "portfolio_holdings",
    metadata,
    sa.Column("id", sa.Uuid(), primary_key=True),  # the investment's id, or the contract's
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("fund_id", sa.Uuid()),
    sa.Column("contract_id", sa.Uuid()),
    sa.Column("company", sa.String(200), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("equity_percent", sa.Numeric(7, 4)),
    sa.Column("institute_percent", sa.Numeric(7, 4)),
    sa.Column("held_since", sa.Date(), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
    sa.CheckConstraint("amount > 0", name="ck_portfolio_holdings_amount_positive"),
    sa.Index("ix_portfolio_holdings_held", "held_since", "id"),
)

# Demands that ended (withdrawn, expired, closed), as the demand service told us: their open
# drafts are closed, and a match accepted later (events of two topics arrive in any order)
# drafts nothing.
ended_demands = sa.Table(
    "ended_demands",
    metadata,
    sa.Column("demand_id", sa.Uuid(), primary_key=True),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("ended_at", UTCDateTime(), nullable=False),
)

# What the history import recorded (shared.history): "fund:F01", "investment:I001".
imported_records = imported_records_table(metadata)

idempotency_keys = idempotency_table(metadata)

outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
