"""The contracts service's tables. Contracts, milestones and payments land with the contracts issue."""

import sqlalchemy as sa

from shared.db import UTCDateTime
from shared.outbox import outbox_table, processed_messages_table

metadata = sa.MetaData()

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
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_contracts_created", "created_at", "id"),
)

outbox = outbox_table(metadata)
processed_messages = processed_messages_table(metadata)
