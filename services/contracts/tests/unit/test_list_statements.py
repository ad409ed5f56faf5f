"""The list's statements: one constant statement per combination of conditions, whose values are
bound per request, sent straight through asyncpg only when that is exactly what SQLAlchemy would send."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from services.contracts.repository import ContractFilters, ListQuery, Visibility, list_query
from services.contracts.views import RENDERER
from shared.pgread import asyncpg_plan

PG = asyncpg_dialect()
E, K, D = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ENTERPRISE_USER = Visibility(everything=False, enterprise_id=E)
STAFF = Visibility(everything=True)


def for_asyncpg(q: ListQuery) -> tuple[str, list[object]] | None:
    plan = asyncpg_plan(q.statement, PG)
    return None if plan is None else (plan[0], [q.values[n] for n in plan[1]])


def test_the_same_conditions_share_one_statement_whatever_the_values() -> None:
    a = list_query(ContractFilters(demand_id=D), ENTERPRISE_USER, after=None, limit=21)
    b = list_query(ContractFilters(demand_id=uuid.uuid4()), Visibility(False, uuid.uuid4()), after=None, limit=5)
    assert a is not None and b is not None
    assert a.statement is b.statement and a.values != b.values
    c = list_query(ContractFilters(demand_id=D), STAFF, after=None, limit=21)
    assert c is not None and c.statement is not a.statement


def test_nobody_in_particular_sees_nothing() -> None:
    assert list_query(ContractFilters(), Visibility(everything=False), after=None, limit=21) is None


def test_the_gateways_call_goes_straight_through_asyncpg() -> None:
    q = list_query(ContractFilters(demand_id=D), ENTERPRISE_USER, after=None, limit=21)
    assert q is not None
    sql, args = for_asyncpg(q) or ("", [])
    assert args == [E, D, 21]
    assert "contracts.enterprise_id = $1::UUID AND contracts.demand_id = $2::UUID" in sql
    assert (
        "LIMIT $3::INTEGER" in sql
        and f"CASE WHEN (contracts.view_version = contracts.version AND contracts.view_renderer = {RENDERER})" in sql
    )
    # Both sides of a user of an enterprise and a carrier; a parameter used twice is sent once.
    both = Visibility(everything=False, enterprise_id=E, carrier_id=K)
    q = list_query(ContractFilters(active_on=date(2026, 6, 1)), both, after=None, limit=3)
    assert q is not None
    sql, args = for_asyncpg(q) or ("", [])
    assert args == [E, K, date(2026, 6, 1), 3] and sql.count("$3::DATE") == 2
    assert "(contracts.enterprise_id = $1::UUID OR contracts.carrier_id = $2::UUID)" in sql


def test_what_sqlalchemy_must_prepare_goes_through_sqlalchemy() -> None:
    # An IN list is expanded per request; UTC timestamps are checked and converted on the way in.
    now = datetime.now(UTC)
    for f, after in (
        (ContractFilters(status=["draft"]), None),
        (ContractFilters(), (now, uuid.uuid4())),
        (ContractFilters(signed_from=now), None),
        (ContractFilters(demand_id=D, created_before=now), None),
    ):
        q = list_query(f, STAFF, after=after, limit=21)
        assert q is not None and for_asyncpg(q) is None, f


def test_the_statement_runs_on_sqlite_too() -> None:
    both = Visibility(everything=False, enterprise_id=E, carrier_id=K)
    q = list_query(ContractFilters(status=["draft"]), both, after=(datetime.now(UTC), uuid.uuid4()), limit=2)
    assert q is not None
    compiled = q.statement.compile(dialect=sqlite.dialect())
    assert "(contracts.created_at, contracts.id) < (?, ?)" in compiled.string
