"""What every gateway route does at the edge: authenticate, rate-limit, forward context."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from fastapi.responses import JSONResponse

from services.gateway.access import GatewayAccess
from services.gateway.downstream import FORWARD_REQUEST_HEADERS, Downstream
from shared.problems import problem_response
from shared.tracing import inject

_FORWARD = {name.encode(): name for name in FORWARD_REQUEST_HEADERS}


def downstream_of(request: Request) -> Downstream:
    d: Downstream = request.app.state.downstream
    return d


async def forward_headers(request: Request, *, bearer: str | None = None) -> dict[str, str]:
    """Authenticate (token or API key), apply the caller's rate limit, and build the headers
    the services get: the caller's verified bearer token, request id and trace context.

    ``bearer`` is a token that came some other way (a query parameter), used when the request
    carries no Authorization header."""
    scope = request.scope
    return await edge_headers(scope["headers"], request.app.state.access, scope["state"]["request_id"], bearer=bearer)


async def edge_headers(
    raw: Iterable[tuple[bytes, bytes]], access: GatewayAccess, request_id: str, *, bearer: str | None = None
) -> dict[str, str]:
    """``forward_headers`` from an ASGI scope's raw headers (the first of each name counts)."""
    found: dict[str, str] = {}
    for k, v in raw:
        name = _FORWARD.get(k)
        if name is not None and name not in found:
            found[name] = v.decode("latin-1")
    authorization = found.get("authorization") or (f"Bearer {bearer}" if bearer else None)
    identity, token = await access.authenticate(authorization, found.get("x-api-key"))
    access.check_rate(identity)
    out = {k: found[k] for k in FORWARD_REQUEST_HEADERS if k in found and k != "x-api-key"}
    out["authorization"] = f"Bearer {token}"
    out["x-request-id"] = request_id
    return inject(out)


def unavailable(service: str, reason: str = "unreachable") -> JSONResponse:
    return problem_response(
        503,
        "service-unavailable",
        f"the {service} service did not answer ({reason})",
        service=service,
        retry_after=2,
    )


def invalid_path(instance: str) -> JSONResponse:
    return problem_response(
        400,
        "invalid-path",
        "the path has an encoded separator, '?', '#', a control character or a dot segment",
        instance=instance,
    )
