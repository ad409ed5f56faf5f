"""funds, their investments, and the portfolio (with the grants already converted)

Revision ID: 5c1e7a9b2d40
Revises: 9d3f83eda894
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType, UTCDateTime

revision: str = "5c1e7a9b2d40"
down_revision: str | None = "9d3f83eda894"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "funds",
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
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.CheckConstraint(
            "institute_commitment > 0 AND institute_commitment <= committed_capital", name="ck_funds_commitment"
        ),
        sa.CheckConstraint("social_capital = committed_capital - institute_commitment", name="ck_funds_social_capital"),
        sa.CheckConstraint("invested_total >= 0 AND invested_total <= committed_capital", name="ck_funds_invested"),
    )
    op.create_index("ix_funds_established", "funds", ["established_on", "id"])
    op.create_table(
        "fund_investments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("fund_id", sa.Uuid(), sa.ForeignKey("funds.id"), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("stake_percent", sa.Numeric(7, 4)),
        sa.Column("invested_on", sa.Date(), nullable=False),
        sa.Column("contract_id", sa.Uuid()),
        sa.Column("note", sa.Text()),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_fund_investments_amount_positive"),
    )
    op.create_index("ix_fund_investments_fund", "fund_investments", ["fund_id", "invested_on", "id"])
    holdings = op.create_table(
        "portfolio_holdings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("fund_id", sa.Uuid()),
        sa.Column("contract_id", sa.Uuid()),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("equity_percent", sa.Numeric(7, 4)),
        sa.Column("institute_percent", sa.Numeric(7, 4)),
        sa.Column("held_since", sa.Date(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_portfolio_holdings_amount_positive"),
    )
    op.create_index("ix_portfolio_holdings_held", "portfolio_holdings", ["held_since", "id"])
    assert holdings is not None
    _backfill_converted_grants(holdings)


def _backfill_converted_grants(holdings: sa.Table) -> None:
    """Grants converted before this revision join the portfolio. Reads the stored conversion
    document only (this revision's shape), without the service's code."""
    contracts = sa.table("contracts", sa.column("id", sa.Uuid()), sa.column("conversion", JSONType))
    bind = op.get_bind()
    rows = bind.execute(sa.select(contracts.c.id, contracts.c.conversion).where(contracts.c.conversion.is_not(None)))
    now = datetime.now(UTC)
    values = []
    for contract_id, doc in rows:
        if not doc:
            continue
        values.append(
            {
                "id": contract_id,
                "kind": "converted_grant",
                "fund_id": None,
                "contract_id": contract_id,
                "company": doc["company"],
                "amount": Decimal(doc["grant_amount"]),
                "equity_percent": Decimal(doc["equity_percent"]),
                "institute_percent": Decimal(doc["equity_percent"]),
                "held_since": date.fromisoformat(doc["occurred_on"]),
                "recorded_at": now,
            }
        )
    if values:
        op.bulk_insert(holdings, values)


def downgrade() -> None:
    op.drop_index("ix_portfolio_holdings_held", table_name="portfolio_holdings")
    op.drop_table("portfolio_holdings")
    op.drop_index("ix_fund_investments_fund", table_name="fund_investments")
    op.drop_table("fund_investments")
    op.drop_index("ix_funds_established", table_name="funds")
    op.drop_table("funds")
