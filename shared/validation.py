"""Validators every service uses at its edge: character-counted text, money, fields.

Each one's JSON Schema says exactly what it accepts (a ``pattern``, an ``enum``), so a client that
sends what the published document allows is never refused for a rule the document hides: the
patterns are read with Python's (and ECMAScript's) regular expressions, the way ``re.search``
and JSON Schema validators apply them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from shared import vocabulary

# The characters str.strip() removes (str.isspace), spelled out: ECMAScript's \s is another set.
_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def text_pattern(min_len: int, max_len: int) -> str:
    """The pattern of a text whose content (without surrounding whitespace) has ``min_len`` to
    ``max_len`` characters: what ``chars`` accepts."""
    edge, space = f"[^{_SPACE}]", f"[{_SPACE}]*"
    content = edge if max_len == 1 else f"{edge}([\\s\\S]{{0,{max_len - 2}}}{edge})?"
    if min_len >= 2:
        content = f"{edge}[\\s\\S]{{{min_len - 2},{max_len - 2}}}{edge}"
    elif min_len == 0:
        content = f"({content})?"
    return f"^{space}{content}{space}$"


class chars:
    """Length limits counted in characters (code points, as JSON Schema counts them), not bytes, so
    Chinese text is not short-changed; surrounding whitespace is stripped and not counted. The
    document says so with a pattern (``text_pattern``). ``pattern``, if given, applies to the text
    as sent (``re.search``, as JSON Schema applies it; never pydantic's ``Field(pattern=...)``,
    whose engine reads ``$`` differently)."""

    def __init__(self, min_len: int, max_len: int, *, pattern: str | None = None) -> None:
        self.min_len, self.max_len, self.pattern = min_len, max_len, pattern

    def check(self, v: str) -> str:
        if self.pattern is not None and not re.search(self.pattern, v):  # as the document applies it
            raise ValueError(f"must match {self.pattern}")
        v = v.strip()
        n = len(v)  # code points, as JSON Schema counts
        if n < self.min_len:
            raise ValueError(f"must be at least {self.min_len} characters, got {n}")
        if n > self.max_len:
            raise ValueError(f"must be at most {self.max_len} characters, got {n}")
        return v

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = text_pattern(self.min_len, self.max_len)
        if self.pattern is not None:  # both apply
            json_schema["allOf"] = [{"pattern": self.pattern}]
        return json_schema


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


# An amount as sent: up to 16 digits before the point, up to 2 after, no sign, no exponent.
MONEY_PATTERN = r"^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$"
POSITIVE_MONEY_PATTERN = r"^([1-9][0-9]{0,15}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"
_MONEY = re.compile(MONEY_PATTERN)


def exact_decimal_string(v: Any) -> Any:
    """Amounts travel as exact decimal strings: a JSON number is refused, whole or not (the client may
    already have rounded it through a binary float, and one rule is easier to follow than two).
    A ``Decimal`` is let through for Python callers (the service re-validating what it stored)."""
    if isinstance(v, Decimal):
        return v
    if not isinstance(v, str):
        raise ValueError('send amounts as exact decimal strings, e.g. "1000.50", not JSON numbers')
    if not _MONEY.search(v):  # search: as JSON Schema applies MONEY_PATTERN
        raise ValueError('must be a non-negative amount with at most two decimals, e.g. "1000.50"')
    return v


def _money(pattern: str, **bounds: Any) -> Any:
    schema = {"type": "string", "pattern": pattern, "examples": ["1000.50"]}
    return Annotated[
        Decimal,
        BeforeValidator(exact_decimal_string),
        Field(max_digits=18, decimal_places=2, **bounds),
        AfterValidator(check_money),
        WithJsonSchema(schema, mode="validation"),
    ]


# Exact CNY amounts, the one type of every money field of every service's API: an exact decimal
# string in (a JSON number is a 422 naming the field), an exact decimal string out, never a float.
Money = _money(MONEY_PATTERN)
PositiveMoney = _money(POSITIVE_MONEY_PATTERN, gt=0)


def check_fields(v: list[str]) -> list[str]:
    unknown = [f for f in v if not vocabulary.is_known(f)]
    if unknown:
        raise ValueError(f"unknown technical field(s): {', '.join(unknown)}; see GET /api/v1/vocabulary/fields")
    return list(dict.fromkeys(v))


# A technical field's code (GET /api/v1/vocabulary/fields), listed in the document.
FieldCode = Annotated[str, Field(json_schema_extra={"enum": list(vocabulary.FIELDS)})]
TechFields = Annotated[list[FieldCode], Field(min_length=1, max_length=8), AfterValidator(check_fields)]
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
