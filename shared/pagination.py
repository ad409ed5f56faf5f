"""Opaque keyset cursors and ETags shared by every list and every update."""

from __future__ import annotations

import base64
import re
from typing import Any

import orjson

from shared.problems import Problem

_VERSION_TAG = re.compile(r"v([0-9]+)")  # ASCII digits only: str.isdigit() also accepts "²"

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


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


def etag(version: int) -> str:
    return f'"v{version}"'


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
