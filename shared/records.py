"""A domain's dataclasses as JSON documents and as the column values of their rows, and read
back: a field is written once, in its dataclass, and every form follows it (in its order, under
its name). The contracts' terms, signatures and conversions (history, proposals, API), and the
rows of contracts, milestones and demands are kept this way.

``to_json``: money and percentages as decimal strings, ids as strings, dates and times in ISO
8601, enums by value, nested values the same way. ``from_doc(cls, doc)`` reads such a document
(or a row, whose values are typed already) back, by the field types; a missing key keeps the
field's default.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")


def jsonable(v: Any) -> Any:
    """A scalar as JSON shows it."""
    if isinstance(v, Decimal | uuid.UUID):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, enum.Enum):
        return v.value
    return v


def to_json(v: Any) -> Any:
    """A dataclass as a JSON document (its fields in order), a sequence as a list; None stays None."""
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: to_json(getattr(v, f.name)) for f in _fields(type(v))}
    if isinstance(v, tuple | list):
        return [to_json(x) for x in v]
    return jsonable(v)


# Values a column stores as they are (most of a row's): checked by exact type, the cheap way.
_AS_IS = frozenset({str, int, float, bool, type(None), Decimal, uuid.UUID, datetime, date, list, dict})


def column(v: Any) -> Any:
    """A value as a column stores it: enums by value, dataclasses as their JSON documents."""
    if type(v) in _AS_IS:
        return v
    if isinstance(v, enum.Enum):
        return v.value
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return to_json(v)
    return v


def from_doc(cls: type[T], doc: Mapping[str, Any]) -> T:
    """An instance of the dataclass ``cls`` from a JSON document or a row (see the module)."""
    return cls(**{name: read(doc[name]) for name, read in _readers(cls) if name in doc})


def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init and f.compare)


_READERS: dict[type, tuple[tuple[str, Callable[[Any], Any]], ...]] = {}


def _readers(cls: type) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    """Each field's name and how to read its value, worked out once per class."""
    readers = _READERS.get(cls)
    if readers is None:
        hints = typing.get_type_hints(cls)
        readers = _READERS[cls] = tuple((f.name, _reader(hints[f.name])) for f in _fields(cls))
    return readers


def _reader(tp: Any) -> Callable[[Any], Any]:
    args = typing.get_args(tp)
    if isinstance(tp, types.UnionType) and type(None) in args:  # X | None (an empty document: None)
        [inner] = [a for a in args if a is not type(None)]
        read = _reader(inner)
        return lambda v: None if v is None or v == {} else read(v)
    if typing.get_origin(tp) is tuple:  # tuple[X, ...]
        item = _reader(args[0])
        return lambda v: tuple(item(x) for x in v)
    if typing.get_origin(tp) in (list, dict):  # list[X], dict[K, V]: as stored (a copy)
        return typing.get_origin(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        cls: type = tp
        return lambda v: v if isinstance(v, cls) else from_doc(cls, v)
    if tp is Decimal:
        return lambda v: v if isinstance(v, Decimal) else Decimal(str(v))
    if tp is uuid.UUID:
        return lambda v: v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))
    if tp is datetime:
        return lambda v: v if isinstance(v, datetime) else datetime.fromisoformat(v)
    if tp is date:
        return lambda v: v if isinstance(v, date) else date.fromisoformat(v)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    return lambda v: v
