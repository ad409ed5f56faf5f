"""A unit of work whose connection cannot be opened fails with the connection's own error.

The engine's ``async_creator`` stands in for the network: SQLAlchemy's real engine, pool and
``begin()`` run, and nothing is dialled.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shared.failures import consumer_verdict, is_infrastructure
from shared.outbox import OutboxSignal, UnitOfWorkFactory, outbox_table


def _engine(creator: Callable[[], object]) -> AsyncEngine:
    return create_async_engine("postgresql+asyncpg://itp@127.0.0.1:9/itp", async_creator=creator)


async def _refuse() -> object:
    raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")


def _factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(engine, outbox_table(sa.MetaData()), source="/test", signal=OutboxSignal())


async def test_a_connection_that_cannot_be_opened_raises_its_own_error_not_a_runtime_error() -> None:
    engine = _engine(_refuse)
    uow_factory = _factory(engine)
    with pytest.raises(ConnectionRefusedError) as caught:
        async with uow_factory() as uow:
            await uow.conn.execute(sa.text("SELECT 1"))
    # Before the fix: "RuntimeError: generator didn't stop after athrow()", from closing a
    # begin() context that had never been entered.
    assert is_infrastructure(caught.value)
    assert consumer_verdict(caught.value) == "retry"
    # Nothing was left checked out: the pool is as it was.
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    await engine.dispose()


async def test_a_unit_of_work_that_fails_before_any_statement_opens_nothing() -> None:
    engine = _engine(_refuse)
    with pytest.raises(ValueError, match="refused by a rule"):
        async with _factory(engine)():
            raise ValueError("refused by a rule")
    await engine.dispose()


async def test_after_commit_runs_once_committed_and_never_after_a_rollback() -> None:
    engine = _engine(_refuse)
    applied: list[str] = []
    async with _factory(engine)() as uow:  # nothing to write: commits without dialling
        uow.after_commit(lambda: applied.append("committed"))
        assert applied == []  # not before the commit
    assert applied == ["committed"]
    with pytest.raises(ValueError, match="refused"):
        async with _factory(engine)() as uow:
            uow.after_commit(lambda: applied.append("rolled back"))
            raise ValueError("refused")
    assert applied == ["committed"]
    await engine.dispose()
