"""RFC 9457 problem details (``application/problem+json``) for every error.

``type`` is a stable relative URI ``/problems/<slug>`` that clients can switch on;
validation problems list every failing field with its path.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(self, status: int, slug: str, detail: str, *, title: str | None = None, **extra: Any):
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.extra = extra


class NotFound(Problem):
    def __init__(self, what: str, ident: object):
        super().__init__(404, "not-found", f"{what} {ident} does not exist")


class Conflict(Problem):
    def __init__(self, detail: str, slug: str = "conflict", **extra: Any):
        super().__init__(409, slug, detail, **extra)


def illegal_transition(
    detail: str,
    current_state: str,
    allowed_actions: Any,
    *,
    title: str = "This action is not allowed in the current state",
    **extra: Any,
) -> Problem:
    """409: the action is not allowed in the state its subject is in (the state and what is allowed)."""
    return Problem(
        409,
        "illegal-transition",
        detail,
        title=title,
        **extra,
        current_state=current_state,
        allowed_actions=allowed_actions,
    )


def problem_response(
    status: int, slug: str, detail: str, *, title: str | None = None, instance: str | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers: dict[str, str] = {}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    if "www_authenticate" in extra:
        headers["WWW-Authenticate"] = str(extra.pop("www_authenticate"))
        body.pop("www_authenticate", None)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) if parts else "body"


def validation_problem(errors: list[Any]) -> Problem:
    """422 naming each invalid field (pydantic or FastAPI error dicts)."""
    fields = [
        {
            # A body that is not JSON at all is the body's fault, not a "field" at its byte offset.
            "field": "body" if e.get("type") == "json_invalid" else _field_path(e.get("loc", ())),
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errors
    ]
    return Problem(
        422,
        "validation-error",
        f"invalid input: {', '.join(f['field'] for f in fields)}",
        title="Your request is not valid",
        errors=fields,
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status, exc.slug, exc.detail, title=exc.title, instance=request.url.path, **exc.extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        p = validation_problem(list(exc.errors()))
        return problem_response(p.status, p.slug, p.detail, title=p.title, instance=request.url.path, **p.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 403: "forbidden"}.get(
            exc.status_code, "http-error"
        )
        response = problem_response(exc.status_code, slug, str(exc.detail), instance=request.url.path)
        for name, value in (exc.headers or {}).items():  # e.g. a 405's Allow
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        # Answered outside the middleware (Starlette's ServerErrorMiddleware): the request's ids
        # come from its scope, so the log line and the client name the same request.
        state = request.scope.get("state") or {}
        request_id = state.get("request_id")
        log.exception(
            "unhandled error on %s %s",
            request.method,
            request.url.path,
            extra={"request_id": request_id, "traceparent": state.get("traceparent")},
        )
        response = problem_response(
            500, "internal-error", "an unexpected error occurred; it has been logged", instance=request.url.path
        )
        if request_id:
            response.headers["x-request-id"] = request_id
        if state.get("traceparent"):
            response.headers["traceresponse"] = state["traceparent"]
        return response
