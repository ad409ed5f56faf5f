"""Alembic helpers: one migration tree per service, run as its own step.

``run_env`` is what each service's ``migrations/env.py`` calls; ``upgrade`` is what the
``itp migrate`` command calls. Nothing here runs at import or at app start-up.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from shared.db import create_engine


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Bring one service's database to ``revision`` (blocking; call from a thread or CLI)."""
    command.upgrade(alembic_config(migrations_dir, url), revision)


def downgrade(migrations_dir: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, url), revision)


@dataclass(frozen=True)
class Revisions:
    """A service's migration tree, as this release knows it."""

    heads: frozenset[str]
    known: frozenset[str]

    def behind(self, current: Collection[str]) -> str | None:
        """Why a database at ``current`` (its ``alembic_version`` rows) cannot serve this release,
        or None. A revision this release does not know is a later release's (an expand step
        runs before the new pods): this release still serves it."""
        if not current:
            return "not migrated"
        if set(current) <= self.heads or not set(current) <= self.known:
            return None
        return f"behind: at {', '.join(sorted(current))}, head is {', '.join(sorted(self.heads))}"


@functools.cache
def revisions(migrations_dir: Path) -> Revisions:
    """Read the migration tree (files only, no database), once per process."""
    script = ScriptDirectory.from_config(alembic_config(migrations_dir, "sqlite://"))
    return Revisions(frozenset(script.get_heads()), frozenset(r.revision for r in script.walk_revisions()))


def run_env(metadata: sa.MetaData) -> None:
    """Body of a service's ``env.py``: online migrations over an async engine."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url not configured"

    def do_run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_engine(url, pool_size=1)
        async with engine.connect() as conn:
            await conn.run_sync(do_run)
            await conn.commit()
        await engine.dispose()

    asyncio.run(run_async())
