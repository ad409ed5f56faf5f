"""The query parameters of a hot route (shared/hotpath.py), read exactly as FastAPI reads them
for the route's declared endpoint.

``QueryReader(endpoint)`` takes the query fields FastAPI builds from the declared endpoint's
signature (names, aliases, types, constraints, defaults, which ones are lists) once, at import;
``read()`` then does per request what FastAPI's dependency solver does for them, without the
solver re-examining every field's annotation on every request (for a list route with fifteen
optional filters that examination cost more than the rest of the route). The values, and the
422 problem naming every failing field, are FastAPI's own: the same field objects validate.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, cast

from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.dependencies.utils import get_dependant, get_validation_alias
from pydantic import BaseModel, Json
from starlette.datastructures import QueryParams

from shared.problems import validation_problem

_IMMUTABLE = (type(None), bool, int, float, str, bytes, tuple, frozenset)


class _Param:
    """One optional query parameter, as FastAPI's ``_get_multidict_value`` reads it."""

    __slots__ = ("alias", "copy_default", "default", "field", "loc", "many", "name")

    def __init__(self, field: ModelField) -> None:
        info = field.field_info
        annotation = cast(Any, info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            raise TypeError(f"QueryReader: a parameter model ({field.name}) is not supported")
        if any(type(m) is Json for m in info.metadata):
            raise TypeError(f"QueryReader: a Json parameter ({field.name}) is not supported")
        if info.is_required():
            raise TypeError(f"QueryReader: required parameter {field.name}: give it a default")
        self.name = field.name
        self.alias = get_validation_alias(field)
        self.loc = ("query", self.alias)
        self.many = bool(field_annotation_is_sequence(annotation))
        self.field = field
        self.default = field.default
        self.copy_default = not isinstance(self.default, _IMMUTABLE)


class QueryReader:
    """The query parameters of ``endpoint`` (a declared FastAPI endpoint), read from a query string."""

    def __init__(self, endpoint: Callable[..., Any], path: str = "") -> None:
        self.params = [_Param(f) for f in get_dependant(path=path, call=endpoint).query_params]

    def read(self, query_string: bytes) -> dict[str, Any]:
        """Each parameter's value by name (its default when absent); a 422 problem naming every
        invalid one, as FastAPI answers for the declared route."""
        source = QueryParams(query_string)
        values: dict[str, Any] = {}
        errors: list[Any] = []
        for p in self.params:
            raw = source.getlist(p.alias) if p.many else source.get(p.alias)
            if raw is None or (p.many and not raw):
                values[p.name] = copy.deepcopy(p.default) if p.copy_default else p.default
                continue
            value, errs = p.field.validate(raw, values, loc=p.loc)
            if errs:
                errors.extend(errs)
            else:
                values[p.name] = value
        if errors:
            raise validation_problem(errors)
        return values
