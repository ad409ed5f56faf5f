"""A fast JSON response that writes Decimal as an exact string, never a float."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import orjson
from fastapi.responses import JSONResponse


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):  # asyncpg returns its own UUID subclass, which orjson skips
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> bytes:
    # OPT_NON_STR_KEYS: SQLAlchemy row keys are str subclasses (quoted_name), which orjson refuses otherwise.
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS)


class JSON(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
