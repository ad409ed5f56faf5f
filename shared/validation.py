"""Validators every service uses at its edge: character-counted text, money, fields."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from shared import vocabulary
from shared.text import char_length


def chars(min_len: int, max_len: int) -> Any:
    """Length limits counted in characters (code points), so Chinese text is not short-changed."""

    def check(v: str) -> str:
        v = v.strip()
        n = char_length(v)
        if n < min_len:
            raise ValueError(f"must be at least {min_len} characters, got {n}")
        if n > max_len:
            raise ValueError(f"must be at most {max_len} characters, got {n}")
        return v

    return AfterValidator(check)


def check_money(v: Decimal) -> Decimal:
    if not v.is_finite():
        raise ValueError("must be a finite amount")
    if v < 0:
        raise ValueError("must not be negative")
    exponent = v.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError("at most two decimal places (fen)")
    # One canonical form: "1E+2" and "100" both become 100.00, "-0" becomes 0.00.
    return abs(v).quantize(Decimal("0.01")) if v == 0 else v.quantize(Decimal("0.01"))


def exact_decimal_string(v: Any) -> Any:
    """Amounts travel as exact decimal strings: a JSON number is refused, whole or not (the client may
    already have rounded it through a binary float, and one rule is easier to follow than two).
    A ``Decimal`` is let through for Python callers (the service re-validating what it stored)."""
    if isinstance(v, str | Decimal):
        return v
    raise ValueError('send amounts as exact decimal strings, e.g. "1000.50", not JSON numbers')


# Exact CNY amounts, the one type of every money field of every service's API: an exact decimal
# string in (a JSON number is a 422 naming the field), an exact decimal string out, never a float.
Money = Annotated[
    Decimal, BeforeValidator(exact_decimal_string), Field(max_digits=18, decimal_places=2), AfterValidator(check_money)
]


def check_fields(v: list[str]) -> list[str]:
    unknown = [f for f in v if not vocabulary.is_known(f)]
    if unknown:
        raise ValueError(f"unknown technical field(s): {', '.join(unknown)}; see GET /api/v1/vocabulary/fields")
    return list(dict.fromkeys(v))


TechFields = Annotated[list[str], Field(min_length=1, max_length=8), AfterValidator(check_fields)]
Keywords = Annotated[list[Annotated[str, chars(1, 30)]], Field(max_length=20)]


_NUMBER = re.compile(r"\s*[+-]?\d+(\.\d*)?\s*")


def iso_only(v: Any) -> Any:
    """Pydantic reads a number as a Unix timestamp (``?signed_to=0`` is 1970-01-01); the document
    promises ISO 8601 (``format: date`` / ``date-time``), so a number is refused (422)."""
    if isinstance(v, int | float) or (isinstance(v, str) and _NUMBER.fullmatch(v)):
        raise ValueError("must be an ISO 8601 date or date-time, not a number")
    return v


IsoDate = Annotated[date, BeforeValidator(iso_only)]
IsoDateTime = Annotated[datetime, BeforeValidator(iso_only)]
