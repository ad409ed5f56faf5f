"""Opaque keyset cursors and ETags shared by every list and every update."""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import orjson

from shared.problems import Problem

_VERSION_TAG = re.compile(r"v([0-9]+)")  # ASCII digits only: str.isdigit() also accepts "²"

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
T = TypeVar("T")


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(raw)
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise Problem(400, "bad-cursor", "the cursor is not one this API gave out") from exc
    if not isinstance(values, list):
        raise Problem(400, "bad-cursor", "the cursor is not one this API gave out")
    return values


def page(rows: Sequence[T], limit: int, cursor_after: Callable[[T], str]) -> tuple[list[T], str | None]:
    """A page from ``limit + 1`` rows fetched: the first ``limit``, and the cursor after the last of
    them (``cursor_after(row)``) when there are more, else None."""
    if len(rows) <= limit:
        return list(rows), None
    shown = list(rows[:limit])
    return shown, cursor_after(shown[-1])


def etag(version: int) -> str:
    return f'"v{version}"'


def require_if_match(header: str | None, what: str) -> int:
    """The version an update must name: 428 when ``If-Match`` is missing (no blind overwrites)."""
    version = parse_if_match(header)
    if version is None:
        raise Problem(428, "precondition-required", f"send If-Match with the ETag of the {what} you read")
    return version


def parse_if_match(header: str | None) -> int | None:
    """The version an ``If-Match`` header names; None when absent; 412 when unparseable."""
    if header is None:
        return None
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    m = _VERSION_TAG.fullmatch(value.strip('"'))
    if m:
        return int(m.group(1))
    raise Problem(412, "precondition-failed", f"If-Match {header!r} does not name a version of this resource")


KeyValue = datetime | date | Decimal | None


def keyset_cursor(kind: str, value: KeyValue, ident: uuid.UUID) -> str:
    """A cursor after the row ``(value, ident)`` of a list ordered by ``kind`` (e.g. "demands:-budget")."""
    text = value.isoformat() if isinstance(value, date) else (str(value) if value is not None else None)
    return encode_cursor([kind, text, str(ident)])


def parse_keyset_cursor(
    cursor: str, kind: str, value_type: type[datetime] | type[date] | type[Decimal]
) -> tuple[KeyValue, uuid.UUID]:
    """The typed ``(value, id)`` of a cursor; a 400 problem for anything this list did not give out
    (another list's or another sort's cursor, a truncated or edited one)."""
    values = decode_cursor(cursor)
    try:
        got_kind, text, ident = values
        if got_kind != kind:
            raise ValueError(f"cursor of {got_kind!r}, not {kind!r}")
        value: KeyValue = None
        if text is not None:
            if value_type is datetime:
                value = datetime.fromisoformat(text)
            elif value_type is date:
                value = date.fromisoformat(text)
            else:
                value = Decimal(str(text))
        return value, uuid.UUID(str(ident))
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise Problem(400, "bad-cursor", "the cursor is not one this list gave out (or the sort changed)") from exc
