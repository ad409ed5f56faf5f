"""The plain lane of GET /assignments: which query strings it answers itself (everything else
reaches the validated route), and the constant SQL it lists with."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from services.talent.lane import plain_list_query
from services.talent.repository import AssignmentFilters, assignment_list_query, assignment_list_sql
from services.talent.tables import assignments
from shared.pgread import PgReader

T = "0b7c3f0e-5d5a-4e0a-9a55-6f1d2c3b4a59"
P = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"


def test_no_parameters_lists_everything_with_the_default_limit() -> None:
    q = plain_list_query(b"")
    assert q is not None
    assert (q.filters, q.cursor, q.limit) == (AssignmentFilters(), None, 20)


def test_the_gateways_target_query_is_plain() -> None:
    q = plain_list_query(f"target_id={T}".encode())
    assert q is not None
    assert q.filters == AssignmentFilters(target_id=uuid.UUID(T))
    assert (q.cursor, q.limit) == (None, 20)


def test_every_known_parameter_is_read() -> None:
    qs = (
        f"person_id={P}&carrier_id={T}&target_type=contract&target_id={T.upper()}"
        "&status=released&cursor=abc-_9&limit=100"
    )
    q = plain_list_query(qs.encode())
    assert q is not None
    assert q.filters == AssignmentFilters(
        person_id=uuid.UUID(P),
        carrier_id=uuid.UUID(T),
        target_type="contract",
        target_id=uuid.UUID(T),
        status="released",
    )
    assert (q.cursor, q.limit) == ("abc-_9", 100)


@pytest.mark.parametrize(
    "qs",
    [
        f"target_id={T}&target_id={T}",  # repeated
        f"target_id={T}&other=1",  # unknown (FastAPI ignores it; the validated route decides)
        "target_id=",  # empty
        "target_id",  # no value
        f"target_id={T}&",  # empty part
        f"target_id={T.replace('-', '')}",  # not the canonical form
        f"target_id={{{T}}}",
        "target_id=not-a-uuid",
        f"target_id={T[:-1]}%61",  # percent-encoded
        "status=active+",  # plus
        "status=Active",
        "target_type=project",
        "limit=0",
        "limit=101",
        "limit=007",
        "limit=-1",
        "limit=1000",
        "cursor=abc=",
        "cursor=a.b",
        "target_id=é".encode().decode("latin-1"),  # not ASCII
    ],
)
def test_anything_unusual_is_left_to_the_validated_route(qs: str) -> None:
    assert plain_list_query(qs.encode("latin-1")) is None


def test_the_sql_lists_the_table_columns_with_filters_in_a_fixed_order() -> None:
    sql = assignment_list_sql(("person_id", "target_id"), True)
    columns = ", ".join(c.name for c in assignments.c)
    assert sql == (
        f"SELECT {columns} FROM assignments WHERE person_id = $1::uuid AND target_id = $2::uuid"
        " AND (made_at, id) < ($3::timestamptz, $4::uuid) ORDER BY made_at DESC, id DESC LIMIT $5::int"
    )
    assert (
        assignment_list_sql((), False)
        == f"SELECT {columns} FROM assignments ORDER BY made_at DESC, id DESC LIMIT $1::int"
    )
    assert assignment_list_sql(("status",), False) is assignment_list_sql(("status",), False)  # built once


def test_the_query_binds_present_filters_then_the_cursor_then_the_limit() -> None:
    from datetime import UTC, datetime

    when, ident, target = datetime(2026, 1, 2, tzinfo=UTC), uuid.uuid4(), uuid.uuid4()
    sql, args = assignment_list_query(
        AssignmentFilters(status="active", target_type="demand", target_id=target), after=(when, ident), limit=21
    )
    assert sql == assignment_list_sql(("target_type", "target_id", "status"), True)
    assert args == ["demand", target, "active", when, ident, 21]
    sql, args = assignment_list_query(AssignmentFilters(target_id=target), after=None, limit=3)
    assert (sql, args) == (assignment_list_sql(("target_id",), False), [target, 3])


def test_only_asyncpg_on_postgresql_reads_directly() -> None:
    assert not PgReader.supports(create_async_engine("sqlite+aiosqlite:///:memory:"))
    assert PgReader.supports(create_async_engine("postgresql+asyncpg://u:p@127.0.0.1:1/x"))
