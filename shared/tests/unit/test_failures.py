"""The one rule for failures: only the event's own fault is dead-lettered; anything else is retried.

One case per class of error, as the consumer and the HTTP layer meet them.
"""

from __future__ import annotations

import decimal

import asyncpg
import pydantic
import pytest
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError
from sqlalchemy import exc as sa_exc

from shared.events.envelope import PoisonMessage
from shared.failures import (
    Unavailable,
    backoff_s,
    consumer_verdict,
    is_event_fault,
    is_infrastructure,
    is_outage,
)
from shared.problems import Conflict, NotFound, Problem


def _raised(
    exc: BaseException, *, during: BaseException | None = None, cause: BaseException | None = None
) -> BaseException:
    """``exc`` as Python leaves it when raised while handling ``during`` or ``from cause``."""
    try:
        try:
            if during is not None:
                raise during
            raise RuntimeError("no context")
        except BaseException:
            if cause is not None:
                raise exc from cause
            if during is not None:
                raise exc  # noqa: B904 - the implicit context is what is tested
            raise exc from None
    except BaseException as caught:
        return caught


def _sa(kind: type[sa_exc.DBAPIError], orig: BaseException, *, connection_invalidated: bool = False) -> BaseException:
    return _raised(kind("SELECT 1", {}, orig, connection_invalidated=connection_invalidated), cause=orig)


class _Model(pydantic.BaseModel):
    amount: int


def _validation_error() -> pydantic.ValidationError:
    try:
        _Model.model_validate({"amount": "many"})
    except pydantic.ValidationError as exc:
        return exc
    raise AssertionError("validated")


RETRIED: dict[str, BaseException] = {
    # the failure: closing a begin() context that never entered, while the connection failed
    "RuntimeError generator didn't stop (connection refused in context)": _raised(
        RuntimeError("generator didn't stop after athrow()"), during=ConnectionRefusedError(111, "refused")
    ),
    "RuntimeError alone (a bug)": RuntimeError("generator didn't stop after athrow()"),
    "ConnectionRefusedError": ConnectionRefusedError(111, "Connect call failed"),
    "ConnectionResetError": ConnectionResetError(104, "reset by peer"),
    "OSError (network unreachable)": OSError(101, "Network is unreachable"),
    "TimeoutError (asyncio's too)": TimeoutError(),
    "Unavailable": Unavailable("broker away"),
    "asyncpg ConnectionDoesNotExistError": asyncpg.ConnectionDoesNotExistError("connection was closed"),
    "asyncpg PostgresConnectionError": asyncpg.PostgresConnectionError("connection failure"),
    "asyncpg InterfaceError (connection closed)": asyncpg.InterfaceError("connection is closed"),
    "asyncpg CannotConnectNowError (starting up)": asyncpg.CannotConnectNowError("the database system is starting up"),
    "asyncpg AdminShutdownError": asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    "asyncpg CrashShutdownError": asyncpg.CrashShutdownError("terminating connection because of crash"),
    "asyncpg ReadOnlySQLTransactionError": asyncpg.ReadOnlySQLTransactionError("read-only transaction"),
    "asyncpg TooManyConnectionsError": asyncpg.TooManyConnectionsError("too many clients already"),
    "asyncpg SerializationError": asyncpg.SerializationError("could not serialize access"),
    "asyncpg DeadlockDetectedError": asyncpg.DeadlockDetectedError("deadlock detected"),
    "asyncpg QueryCanceledError (statement timeout)": asyncpg.QueryCanceledError("canceling statement"),
    "SQLAlchemy OperationalError": _sa(sa_exc.OperationalError, ConnectionRefusedError("refused")),
    "SQLAlchemy InterfaceError": _sa(sa_exc.InterfaceError, Exception("connection is closed")),
    "SQLAlchemy DBAPIError wrapping AdminShutdownError": _sa(
        sa_exc.DBAPIError, asyncpg.AdminShutdownError("terminating connection due to administrator command")
    ),
    "SQLAlchemy DBAPIError with its connection invalidated": _sa(
        sa_exc.DBAPIError, Exception("?"), connection_invalidated=True
    ),
    "SQLAlchemy InternalError wrapping ReadOnlySQLTransactionError": _sa(
        sa_exc.InternalError, asyncpg.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction")
    ),
    "SQLAlchemy TimeoutError (pool exhausted)": sa_exc.TimeoutError("QueuePool limit of size 5 overflow 0 reached"),
    "SQLAlchemy PendingRollbackError (after a lost connection)": sa_exc.PendingRollbackError("invalid transaction"),
    "SQLAlchemy DisconnectionError": sa_exc.DisconnectionError("closed"),
    "Kafka broker unavailable": KafkaConnectionError("Unable to bootstrap from 127.0.0.1:59092"),
    "Kafka timeout": KafkaTimeoutError(),
    "Kafka node not ready": NodeNotReadyError(),
    "KeyError (a bug in a handler)": KeyError("missing"),
    "AttributeError (a bug in a handler)": AttributeError("'NoneType' object has no attribute 'id'"),
    "Problem 503": Problem(503, "unavailable", "later"),
    # an event's own fault, but raised while the database connection was failing: not its fault
    "ValueError raised while the connection failed": _raised(ValueError("bad"), during=ConnectionResetError()),
    "IntegrityError caused by a lost connection": _sa(
        sa_exc.IntegrityError, asyncpg.ConnectionDoesNotExistError("closed")
    ),
}

DEAD_LETTERED: dict[str, BaseException] = {
    "PoisonMessage (not a CloudEvent)": PoisonMessage("not a CloudEvent, missing specversion"),
    "pydantic ValidationError": _validation_error(),
    "ValueError (a domain rule refuses a value)": ValueError("budget must be above zero"),
    "UnicodeDecodeError": UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    "decimal InvalidOperation": decimal.InvalidOperation(),
    "Problem 404": NotFound("demand", "d-1"),
    "Problem 409": Conflict("already decided"),
    "Problem 422": Problem(422, "validation-error", "bad"),
    "SQLAlchemy IntegrityError": _sa(sa_exc.IntegrityError, asyncpg.ForeignKeyViolationError("no such carrier")),
    "SQLAlchemy DataError": _sa(sa_exc.DataError, asyncpg.NumericValueOutOfRangeError("numeric field overflow")),
    "asyncpg UniqueViolationError": asyncpg.UniqueViolationError("duplicate key"),
    "asyncpg StringDataRightTruncationError": asyncpg.StringDataRightTruncationError("value too long"),
}


@pytest.mark.parametrize("name", list(RETRIED))
def test_failures_of_the_world_or_the_code_are_retried(name: str) -> None:
    assert consumer_verdict(RETRIED[name]) == "retry"


@pytest.mark.parametrize("name", list(DEAD_LETTERED))
def test_the_events_own_faults_are_dead_lettered(name: str) -> None:
    exc = DEAD_LETTERED[name]
    assert is_event_fault(exc)
    assert not is_infrastructure(exc)
    assert consumer_verdict(exc) == "dead-letter"


@pytest.mark.parametrize(
    "name",
    [n for n in RETRIED if not n.startswith(("RuntimeError alone", "KeyError", "AttributeError", "Problem 503"))],
)
def test_infrastructure_failures_are_recognised_through_the_whole_chain(name: str) -> None:
    assert is_infrastructure(RETRIED[name])


@pytest.mark.parametrize("name", ["RuntimeError alone (a bug)", "KeyError (a bug in a handler)"])
def test_a_bug_is_not_infrastructure_but_still_never_dead_letters(name: str) -> None:
    assert not is_infrastructure(RETRIED[name])
    assert not is_event_fault(RETRIED[name])


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff_s(n, base_s=0.1, cap_s=1.0) for n in range(1, 7)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]


async def test_an_unexpected_error_is_an_outage_only_while_the_database_is_unreachable() -> None:
    async def up() -> bool:
        return True

    async def down() -> bool:
        return False

    async def probe_fails() -> bool:
        raise ConnectionRefusedError()

    bug = RuntimeError("generator didn't stop after athrow()")
    assert not await is_outage(bug, up)
    assert await is_outage(bug, down)
    assert await is_outage(bug, probe_fails)
    assert not await is_outage(bug, None)
    assert await is_outage(ConnectionResetError(), up)  # the error itself says so
