"""Whose fault is a failure: the event's (or the request's) own, or the world's, for now.

One rule, used by the consumer (dead-letter or retry) and by the HTTP layer (500 or 503):

* **Infrastructure** (:func:`is_infrastructure`): the database or the broker cannot be reached,
  is starting up, shutting down, read-only or out of connections, or a call timed out. Anything
  of these classes anywhere in the exception's chain (``__cause__``, ``__context__``, a
  SQLAlchemy error's ``orig``) counts, so an error raised while cleaning up after a lost
  connection is still the lost connection's:

  - ``OSError`` (``ConnectionError``, ``TimeoutError`` and so asyncio's, socket and TLS errors)
  - :class:`Unavailable` (raised by our own code for "not now")
  - SQLAlchemy ``OperationalError``, ``InterfaceError``, ``TimeoutError`` (pool exhausted),
    ``DisconnectionError``, ``PendingRollbackError``, and any ``DBAPIError`` whose connection was
    invalidated
  - asyncpg ``InterfaceError`` (connection closed, in use), ``PostgresConnectionError`` (SQLSTATE
    class 08), ``OperatorInterventionError`` (57: ``AdminShutdownError``, ``CrashShutdownError``,
    ``CannotConnectNowError``, ``QueryCanceledError``), ``ReadOnlySQLTransactionError`` (25006),
    ``InsufficientResourcesError`` (53: too many connections, disk full, out of memory),
    ``TransactionRollbackError`` (40: serialization failure, deadlock), ``LockNotAvailableError``
  - aiokafka ``KafkaError`` (broker unavailable, timeouts, leadership changes)

* **The event's own fault** (:func:`is_event_fault`), deterministic, the same on every delivery:

  - ``ValueError``: it does not parse or validate (``PoisonMessage``, pydantic's
    ``ValidationError``, ``UnicodeDecodeError``), or a domain rule refuses a value
  - ``decimal.InvalidOperation`` (an amount that is not a number)
  - :class:`shared.problems.Problem` with a 4xx status (a domain rule refuses it, as it would
    refuse the same request)
  - SQLAlchemy ``IntegrityError`` and ``DataError``, asyncpg ``IntegrityConstraintViolationError``
    and ``DataError`` (the database refuses the data itself)

:func:`consumer_verdict` dead-letters only the event's own faults, and only when no
infrastructure error is in the chain. **Everything else is retried**, with back-off, without
advancing past the event: infrastructure, and also any other exception (``RuntimeError``,
``KeyError``, a bug in a handler). A healthy event is never dead-lettered because the world or
the code failed; a partition held by a bug shows as consumer lag until the fix is deployed.

Every function here is pure (no I/O): a batched consumer applies the same verdict per event.
"""

from __future__ import annotations

import decimal
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Literal

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc

from shared.problems import Problem, problem_response

log = logging.getLogger(__name__)

Verdict = Literal["dead-letter", "retry"]

# What a 503 tells the client to wait before trying again, in seconds.
RETRY_AFTER_S = 2


class Unavailable(Exception):
    """A dependency cannot serve now; the same call may succeed later (answered as 503)."""


_INFRASTRUCTURE: tuple[type[BaseException], ...] = (
    OSError,
    Unavailable,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    sa_exc.PendingRollbackError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.ReadOnlySQLTransactionError,
    asyncpg.InsufficientResourcesError,
    asyncpg.TransactionRollbackError,
    asyncpg.LockNotAvailableError,
    KafkaError,
)

_EVENT_FAULTS: tuple[type[BaseException], ...] = (
    ValueError,
    decimal.InvalidOperation,
    sa_exc.IntegrityError,
    sa_exc.DataError,
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.DataError,
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from or while handling (each once)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        nested: list[Any] = [e.__cause__, e.__context__, getattr(e, "orig", None)]
        if isinstance(e, BaseExceptionGroup):
            nested.extend(e.exceptions)
        todo.extend(n for n in nested if isinstance(n, BaseException))


def is_infrastructure(exc: BaseException) -> bool:
    """True if the failure is the database's or the broker's, not the input's (see above)."""
    for e in _chain(exc):
        if isinstance(e, _INFRASTRUCTURE):
            return True
        if isinstance(e, sa_exc.DBAPIError) and e.connection_invalidated:
            return True
    return False


def is_event_fault(exc: BaseException) -> bool:
    """True if the exception itself says the input is refused, whatever the infrastructure does."""
    if isinstance(exc, _EVENT_FAULTS):
        return True
    return isinstance(exc, Problem) and 400 <= exc.status < 500


def consumer_verdict(exc: BaseException) -> Verdict:
    """What a consumer does with an event whose handling raised ``exc``."""
    if is_event_fault(exc) and not is_infrastructure(exc):
        return "dead-letter"
    return "retry"


def backoff_s(failures: int, *, base_s: float = 0.1, cap_s: float = 5.0) -> float:
    """Capped exponential back-off before retry number ``failures`` (1, 2, ...)."""
    return min(cap_s, base_s * 2 ** max(0, failures - 1))


# The attribute of ``app.state`` where a service keeps its database probe: an async callable
# answering whether the database is reachable (shared.runtime sets it).
DATABASE_PROBE = "database_reachable"
DatabaseProbe = Callable[[], Awaitable[bool]]


async def is_outage(exc: BaseException, probe: DatabaseProbe | None) -> bool:
    """Whether a request that raised ``exc`` failed because its database is unreachable: an
    infrastructure error, or any unexpected error while the probe finds the database down."""
    if is_infrastructure(exc):
        return True
    if probe is None:
        return False
    try:
        return not await probe()
    except Exception:
        return True


# Exceptions answered by ``unexpected_error_response`` through FastAPI's exception handlers (which
# keep the connection open, unlike the catch-all ``Exception`` handler, after which the server
# closes it); anything else reaches it through the catch-all.
_HANDLED = (*_INFRASTRUCTURE, sa_exc.SQLAlchemyError, asyncpg.PostgresError)


def install_outage_handlers(app: FastAPI) -> None:
    """Answer 503 with ``Retry-After`` when a request fails because its database is unreachable.

    Replaces the catch-all 500 handler of ``shared.problems.install_problem_handlers`` (install
    that first): an unexpected error is a 500 only while the database answers."""

    async def handle(request: Request, exc: Exception) -> Response:
        return await unexpected_error_response(exc, request.app, method=request.method, path=request.url.path)

    for cls in (*_HANDLED, Exception):
        app.add_exception_handler(cls, handle)


async def unexpected_error_response(exc: Exception, app: Any, *, method: str, path: str) -> JSONResponse:
    """The answer to an exception no handler turned into a problem: 503 with ``Retry-After``
    when the service cannot reach its database (the client should retry), 500 otherwise."""
    if await is_outage(exc, getattr(app.state, DATABASE_PROBE, None)):
        log.warning("%s %s: database unavailable (%s: %s); answering 503", method, path, type(exc).__name__, exc)
        return problem_response(
            503,
            "service-unavailable",
            "the service cannot reach its database right now; retry later",
            instance=path,
            retry_after=RETRY_AFTER_S,
        )
    log.error("unhandled error on %s %s", method, path, exc_info=exc)
    return problem_response(500, "internal-error", "an unexpected error occurred; it has been logged", instance=path)
