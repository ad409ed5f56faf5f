"""``FastRoute``: FastAPI's route class for every route of the platform (ADR 0004).

A route is declared once, as FastAPI documents it (``@router.get(...)`` on a typed function);
the declaration is its validation and its OpenAPI entry. What ``FastRoute`` changes is how a
request reaches the function: at start-up it reads the route's own dependant (the parameters
FastAPI derived from the signature) and builds a plan, so a request runs only what the route
declared:

* the body is read and decoded as FastAPI decodes it (JSON when the content type says so);
* each dependency is called with the request (``CurrentActor``, ``ServiceDep``: dependencies
  that take only the request), once per request, in declaration order;
* path, query, header and body parameters are validated by FastAPI's own functions, for the
  kinds the route has (``request_params_to_args``, ``request_body_to_args``);
* the function's ``Response`` is the answer.

What that skips is FastAPI's generic solver: its recursion through the dependency tree, a
scratch ``Response`` and a dependency cache per level, the four parameter kinds checked for
every dependency, the cookie header parsed for routes without cookies. Errors are the same
``RequestValidationError`` (a 422 problem) with the same locations, raised at the same point.

A route the plan does not cover (a dependency with parameters or ``yield``, a form body, a
``BackgroundTasks``/``Response`` parameter, a sync function, a function that returns data for
``response_model`` to serialise) is served by FastAPI's own handler: same declaration, same
answers, the framework's per-request cost. A newcomer adds a fast route by writing one
function: ``async def f(..., svc: ServiceDep, actor: CurrentActor) -> Response``.
"""

from __future__ import annotations

import collections.abc
import copy
import email.message
import json
import types
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import HTTPException, Request, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_body_to_args, request_params_to_args
from fastapi.exceptions import RequestValidationError
from fastapi.params import Form
from fastapi.routing import APIRoute
from pydantic import BaseModel, Json

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


@dataclass(frozen=True)
class _Param:
    """A path, query or header parameter that takes one value (``str``, ``int``, ``UUID``, an
    enum, a ``Literal``, optional or not): looked up under its key and validated by its field."""

    field: Any  # FastAPI's field of the parameter: its ``validate`` is FastAPI's validation
    name: str
    key: str
    loc: tuple[str, str]
    required: bool
    default: Any

    def read(self, source: Any, values: dict[str, Any], errors: list[Any]) -> None:
        """As FastAPI's ``request_params_to_args`` reads one such parameter into ``values``."""
        value = source.get(self.key)
        if value is None:
            if self.required:
                errors.append({"type": "missing", "loc": self.loc, "msg": "Field required", "input": None})
                return
            value = copy.deepcopy(self.default)
            if value is None:
                values[self.name] = None
                return
        valid, wrong = self.field.validate(value, values, loc=self.loc)
        if wrong:
            errors.extend(wrong)
        else:
            values[self.name] = valid


def _one_value(annotation: Any) -> bool:
    """Whether a parameter of this type takes one value (not a list, a model or a mapping)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return all(_one_value(a) for a in typing.get_args(annotation))
    if origin is Literal or annotation is type(None):
        return True
    if origin is not None or not isinstance(annotation, type):
        return False
    containers = (BaseModel, collections.abc.Collection, collections.abc.Mapping)
    return issubclass(annotation, (str, bytes)) or not issubclass(annotation, containers)


def _params(fields: list[Any], kind: str) -> list[_Param] | None:
    """The one-value parameters of a kind, or None when one of them is not (FastAPI reads them)."""
    params = []
    for f in fields:
        info = f.field_info
        if not _one_value(info.annotation) or any(type(m) is Json for m in info.metadata):
            return None
        key = getattr(f, "validation_alias", None) or f.alias
        params.append(_Param(f, f.name, key, (kind, key), info.is_required(), f.default))
    return params


@dataclass(frozen=True)
class _Plan:
    """What a request of one route runs (see the module docstring)."""

    call: Callable[..., Coroutine[Any, Any, Response]]
    request_param: str | None
    dependencies: tuple[tuple[str, Callable[[Request], Coroutine[Any, Any, Any]]], ...]
    # per kind: the parameters read one by one, else FastAPI's fields for request_params_to_args
    path: list[_Param] | list[Any]
    query: list[_Param] | list[Any]
    header: list[_Param] | list[Any]
    body: list[Any]
    embed_body: bool


def _request_only(sub: Dependant) -> Callable[[Request], Coroutine[Any, Any, Any]] | None:
    """The call of a dependency that takes only the request (and is a plain coroutine), else None."""
    plain = not (
        sub.path_params
        or sub.query_params
        or sub.header_params
        or sub.cookie_params
        or sub.body_params
        or sub.dependencies
        or sub.websocket_param_name
        or sub.http_connection_param_name
        or sub.response_param_name
        or sub.background_tasks_param_name
        or sub.security_scopes_param_name
    )
    if not plain or sub.call is None or sub.request_param_name is None or sub.name is None:
        return None
    if sub.is_gen_callable or sub.is_async_gen_callable or not sub.is_coroutine_callable:
        return None
    call, name = sub.call, sub.request_param_name
    return lambda request: call(**{name: request})


def _returns_response(call: Callable[..., Any]) -> bool:
    try:
        returned = typing.get_type_hints(call).get("return")
    except Exception:  # an annotation that does not resolve: leave the route to FastAPI
        return False
    return isinstance(returned, type) and issubclass(returned, Response)


def plan_of(dependant: Dependant) -> _Plan | None:
    """The plan of a route whose shape it covers, else None (FastAPI's own handler serves it)."""
    d = dependant
    if (
        d.call is None
        or not d.is_coroutine_callable
        or d.cookie_params
        or d.websocket_param_name
        or d.http_connection_param_name
        or d.response_param_name
        or d.background_tasks_param_name
        or d.security_scopes_param_name
        or any(isinstance(f.field_info, Form) for f in d.body_params)
        or not _returns_response(d.call)
    ):
        return None
    dependencies = []
    seen: set[Any] = set()
    for sub in d.dependencies:
        call = _request_only(sub)
        if call is None or not sub.use_cache or sub.call in seen:  # a repeated dependency is solved once
            return None
        seen.add(sub.call)
        assert sub.name is not None
        dependencies.append((sub.name, call))
    names = {f.name for f in d.body_params}
    embed = len(names) > 1 or any(getattr(f.field_info, "embed", False) for f in d.body_params)
    return _Plan(
        call=d.call,
        request_param=d.request_param_name,
        dependencies=tuple(dependencies),
        path=_params(d.path_params, "path") or d.path_params,
        query=_params(d.query_params, "query") or d.query_params,
        header=_params(d.header_params, "header") or d.header_params,
        body=d.body_params,
        embed_body=embed,
    )


def _is_json(content_type: str) -> bool:
    """Whether FastAPI decodes a body of this content type as JSON (``application/json``, ``*+json``)."""
    if content_type == "application/json":
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


async def _body(request: Request) -> Any:
    """The body as FastAPI's handler reads it: decoded JSON, raw bytes of another type, or None."""
    try:
        raw = await request.body()
        if not raw:
            return None
        content_type = request.headers.get("content-type")
        if content_type and _is_json(content_type):
            return await request.json()
        return raw  # FastAPI's strict content type: a body without one is not JSON
    except json.JSONDecodeError as e:
        error = {"type": "json_invalid", "loc": ("body", e.pos), "msg": "JSON decode error", "input": {}}
        raise RequestValidationError([{**error, "ctx": {"error": e.msg}}], body=e.doc) from e
    except HTTPException:
        raise
    except Exception as e:
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from e


def handler_of(plan: _Plan) -> Handler:
    async def handle(request: Request) -> Response:
        body = await _body(request) if plan.body else None
        values: dict[str, Any] = {}
        for name, dependency in plan.dependencies:
            values[name] = await dependency(request)
        errors: list[Any] = []
        for fields, source in (
            (plan.path, request.path_params if plan.path else None),
            (plan.query, request.query_params if plan.query else None),
            (plan.header, request.headers if plan.header else None),
        ):
            if fields and isinstance(fields[0], _Param):
                for param in fields:
                    param.read(source, values, errors)
            elif fields:
                found, wrong = request_params_to_args(fields, source)  # type: ignore[arg-type]
                values.update(found)
                errors += wrong
        if plan.body:
            found, wrong = await request_body_to_args(plan.body, body, plan.embed_body)
            values.update(found)
            errors += wrong
        if errors:
            raise RequestValidationError(errors, body=body)
        if plan.request_param:
            values[plan.request_param] = request
        return await plan.call(**values)

    return handle


class FastRoute(APIRoute):
    """FastAPI's route, served by the route's plan where it covers the route (module docstring)."""

    def get_route_handler(self) -> Handler:
        strict = self.strict_content_type  # a body without a content type is not JSON
        strict = strict.value if isinstance(strict, DefaultPlaceholder) else strict
        plan = plan_of(self.dependant) if strict else None
        return handler_of(plan) if plan is not None else super().get_route_handler()
