"""search terms and access grants

Revision ID: 2a260ae6ff01
Revises: 11e51259e9be
Create Date: 2026-11-29 04:19:53.991648
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import shared.db

revision: str = "2a260ae6ff01"
down_revision: str | None = "11e51259e9be"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "demand_access_grants",
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("carrier_id", sa.Uuid(), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.Column("granted_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"],
            ["demands.id"],
        ),
        sa.PrimaryKeyConstraint("demand_id", "carrier_id"),
    )
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "search_terms",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "teaser_terms",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )
        batch_op.create_index(
            "ix_demands_fields",
            ["fields"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"fields": "jsonb_path_ops"},
        )
        batch_op.create_index(
            "ix_demands_search_terms",
            ["search_terms"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_terms": "jsonb_path_ops"},
        )
        batch_op.create_index(
            "ix_demands_teaser_terms",
            ["teaser_terms"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"teaser_terms": "jsonb_path_ops"},
        )
    _backfill_terms()


# shared.text.tokenize as it was at this revision (CJK bigrams, stemmed English words), inlined so
# the revision does not change when the service's code does.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")
_EN_STOP = frozenset(
    """a an and are as at be by for from has have in into is it its of on or that the their this to
    was we were will with our your can need needs use using based new high low""".split()
)
_ZH_STOP = re.compile("[的了和与及或在是对为等将把被]")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    out: list[str] = []
    for run in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if not run[0].isascii():
            for piece in _ZH_STOP.split(run) if len(run) > 2 else [run]:
                if len(piece) == 1:
                    if not _ZH_STOP.fullmatch(piece):
                        out.append(piece)
                else:
                    out.extend(piece[i : i + 2] for i in range(len(piece) - 1))
        elif run not in _EN_STOP and not run.isdigit():
            out.append(_stem(run))
    return out


def _backfill_terms() -> None:
    """Index the text of demands that existed before this revision."""
    demands = sa.table(
        "demands",
        sa.column("id", sa.Uuid()),
        sa.column("title", sa.String()),
        sa.column("description", sa.Text()),
        sa.column("keywords", sa.JSON()),
        sa.column("search_terms", sa.JSON()),
        sa.column("teaser_terms", sa.JSON()),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(demands.c.id, demands.c.title, demands.c.description, demands.c.keywords)):
        keywords = " ".join(row.keywords or [])
        bind.execute(
            demands.update()
            .where(demands.c.id == row.id)
            .values(
                search_terms=sorted(set(tokenize(f"{row.title} {row.description} {keywords}"))),
                teaser_terms=sorted(set(tokenize(row.title))),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_demands_teaser_terms", postgresql_using="gin", postgresql_ops={"teaser_terms": "jsonb_path_ops"}
        )
        batch_op.drop_index(
            "ix_demands_search_terms", postgresql_using="gin", postgresql_ops={"search_terms": "jsonb_path_ops"}
        )
        batch_op.drop_index("ix_demands_fields", postgresql_using="gin", postgresql_ops={"fields": "jsonb_path_ops"})
        batch_op.drop_column("teaser_terms")
        batch_op.drop_column("search_terms")

    op.drop_table("demand_access_grants")
