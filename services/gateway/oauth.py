"""Machine credentials the OAuth2 way (RFC 6749 §4.4, client credentials).

A portal back end sends its API key as client credentials — the key id as ``client_id``, its
secret as ``client_secret``, by HTTP Basic (§2.3.1) or as form fields — and gets a short-lived
bearer token that every route accepts. Errors are RFC 6749 §5.2's ``{"error": ...}`` (not
problems: OAuth2 clients expect them). Sending ``X-API-Key`` on every request still works.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from services.gateway.access import MINTED_TTL, GatewayAccess
from services.gateway.credentials import KEY_PREFIX
from shared.problems import Problem
from shared.routing import FastRoute

router = APIRouter(prefix="/api/v1", tags=["oauth"], route_class=FastRoute)

FORM = "application/x-www-form-urlencoded"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenOut(BaseModel):
    """RFC 6749 §5.1."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds the token is valid for")


class OAuthError(BaseModel):
    """RFC 6749 §5.2."""

    error: Literal["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"]
    error_description: str | None = None


class TokenRequest(BaseModel):
    grant_type: Literal["client_credentials"]
    client_id: str | None = Field(default=None, description="The API key's id (or send HTTP Basic)")
    client_secret: str | None = Field(default=None, description="The API key's secret (or send HTTP Basic)")
    scope: str | None = Field(default=None, description="Ignored: a token carries the key's roles")


def _error(status: int, error: str, description: str, *, basic: bool = False) -> JSONResponse:
    headers = dict(_NO_STORE)
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="itp"' if basic else 'Bearer realm="itp"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


def _basic(authorization: str) -> tuple[str, str] | None:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    # §2.3.1: both parts are form-urlencoded before they are joined.
    return (unquote_plus(client_id), unquote_plus(secret)) if sep else None


_TOKEN_DOC: dict[str, Any] = {
    "security": [],
    "requestBody": {
        "required": True,
        "content": {FORM: {"schema": {"$ref": "#/components/schemas/TokenRequest"}}},
    },
}


@router.post(
    "/oauth/token",
    response_model=TokenOut,
    summary="Exchange an API key (client credentials, RFC 6749 §4.4) for a short-lived bearer token",
    responses={
        400: {"model": OAuthError, "description": "invalid_request or unsupported_grant_type"},
        401: {"model": OAuthError, "description": "invalid_client: unknown, wrong or revoked key"},
    },
    openapi_extra=_TOKEN_DOC,
)
async def issue_token(request: Request) -> JSONResponse:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        return _error(400, "invalid_request", f"send the parameters as {FORM}")
    try:
        form = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "invalid_request", "the body is not a form")
    grant = form.get("grant_type")
    if not grant:
        return _error(400, "invalid_request", "grant_type is required")
    if grant != "client_credentials":
        return _error(400, "unsupported_grant_type", "only client_credentials is supported")
    authorization = request.headers.get("authorization")
    basic = _basic(authorization) if authorization else None
    if authorization and basic is None:
        return _error(401, "invalid_client", "use HTTP Basic with the key id and secret", basic=True)
    if basic is not None and ("client_id" in form or "client_secret" in form):
        return _error(400, "invalid_request", "send the client credentials once: HTTP Basic or the form")
    client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
    if not client_id or not secret:
        return _error(401, "invalid_client", "client_id and client_secret are required", basic=True)
    access: GatewayAccess = request.app.state.access
    key_id = client_id.removeprefix(f"{KEY_PREFIX}_")
    try:
        token = await access.token_for_client(key_id, secret)
    except Problem as exc:
        return _error(401, "invalid_client", exc.detail, basic=basic is not None)
    body = TokenOut(access_token=token, expires_in=int(MINTED_TTL.total_seconds()))
    return JSONResponse(body.model_dump(), headers=_NO_STORE)
