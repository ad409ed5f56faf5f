"""Who is calling: bearer JWTs verified by every service (and by the gateway), and roles.

Tokens are HS256 with ``ITP_JWT_SECRET`` in development and test, or RS256 with a public
key (``ITP_JWT_PUBLIC_KEY_FILE``, PEM) in production; expiry and audience are always
checked. The gateway forwards the caller's token, and each service verifies it again, so a
request that reaches a service directly gets nothing it should not.
"""

from __future__ import annotations

import enum
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request

from shared.problems import Problem
from shared.settings import ServiceSettings


class Role(enum.StrEnum):
    ENTERPRISE_USER = "enterprise_user"
    CARRIER_USER = "carrier_user"
    PROJECT_MANAGER = "project_manager"
    OPERATOR = "operator"
    DASHBOARD_VIEWER = "dashboard_viewer"
    ADMIN = "admin"


STAFF = frozenset({Role.PROJECT_MANAGER, Role.OPERATOR, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    subject: str
    roles: frozenset[Role]
    enterprise_id: uuid.UUID | None = None
    carrier_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        """Project managers, operators and admins see and curate everything."""
        return bool(self.roles & STAFF)

    def require(self, *roles: Role) -> None:
        if not self.has(*roles):
            raise Problem(
                403,
                "forbidden",
                f"this needs one of the roles: {', '.join(r.value for r in roles)}",
                required_roles=[r.value for r in roles],
            )

    def acts_for_enterprise(self, enterprise_id: uuid.UUID) -> bool:
        return self.is_staff or (self.has(Role.ENTERPRISE_USER) and self.enterprise_id == enterprise_id)

    def acts_for_carrier(self, carrier_id: uuid.UUID) -> bool:
        return self.is_staff or (self.has(Role.CARRIER_USER) and self.carrier_id == carrier_id)


def _uuid_claim(claims: dict[str, Any], name: str) -> uuid.UUID | None:
    value = claims.get(name)
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Problem(401, "invalid-token", f"claim {name} is not a UUID") from exc


class TokenVerifier:
    """Verifies bearer tokens with the configured key, algorithm and audience."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._cache: dict[str, tuple[Actor, float]] = {}
        self.audience = settings.jwt_audience
        self._jwks: jwt.PyJWKSet | None = None
        self.key: Any = settings.jwt_secret
        self.algorithms = ["HS256"]
        if settings.jwt_public_key_file:
            # Production: RS256 only (never HS256 with a public key as the secret), from a PEM
            # public key or a JWKS document whose keys are chosen by the token's "kid".
            with open(settings.jwt_public_key_file, encoding="utf-8") as f:
                text = f.read()
            self.algorithms = ["RS256"]
            if text.lstrip().startswith("{"):
                self._jwks = jwt.PyJWKSet.from_json(text)
            else:
                self.key = text

    def _key_for(self, token: str) -> Any:
        if self._jwks is None:
            return self.key
        kid = jwt.get_unverified_header(token).get("kid")
        for k in self._jwks.keys:
            if k.key_id == kid:
                return k.key
        raise Problem(401, "invalid-token", f"no key {kid!r} in the configured JWKS")

    def verify(self, token: str) -> Actor:
        """The actor a token stands for; verified tokens are cached until they expire."""
        cached = self._cache.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        actor = self._verify(token)
        if len(self._cache) >= 10_000:
            self._cache.clear()
        self._cache[token] = (actor, float(actor.claims["exp"]))
        return actor

    def _verify(self, token: str) -> Actor:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=self.algorithms,
                audience=self.audience,
                options={"require": ["exp", "sub", "aud"]},
                leeway=30,
            )
        except jwt.ExpiredSignatureError as exc:
            raise Problem(401, "token-expired", "the bearer token has expired") from exc
        except jwt.InvalidTokenError as exc:
            raise Problem(401, "invalid-token", f"the bearer token is not valid: {exc}") from exc
        raw_roles = claims.get("roles", [])
        if isinstance(raw_roles, str):
            raw_roles = raw_roles.split()
        roles = frozenset(Role(r) for r in raw_roles if r in Role._value2member_map_)
        actor = Actor(
            subject=str(claims["sub"]),
            roles=roles,
            enterprise_id=_uuid_claim(claims, "enterprise_id"),
            carrier_id=_uuid_claim(claims, "carrier_id"),
            person_id=_uuid_claim(claims, "person_id"),
            claims=claims,
        )
        if Role.ENTERPRISE_USER in roles and actor.enterprise_id is None:
            raise Problem(401, "invalid-token", "an enterprise_user token must carry enterprise_id")
        if Role.CARRIER_USER in roles and actor.carrier_id is None:
            raise Problem(401, "invalid-token", "a carrier_user token must carry carrier_id")
        return actor


@lru_cache(maxsize=8)
def _verifier(settings_key: tuple[str, str, str | None]) -> TokenVerifier:
    secret, audience, public_key_file = settings_key
    return TokenVerifier(
        ServiceSettings(
            jwt_secret=secret, jwt_audience=audience, jwt_public_key_file=public_key_file, env="development"
        )
    )


def verifier_for(settings: ServiceSettings) -> TokenVerifier:
    return _verifier((settings.jwt_secret, settings.jwt_audience, settings.jwt_public_key_file))


def issue_token(
    settings: ServiceSettings,
    *,
    subject: str,
    roles: list[str],
    ttl: timedelta = timedelta(hours=1),
    private_key: str | None = None,
    key_id: str | None = None,
    **claims: Any,
) -> str:
    """A signed token (HS256 with the shared secret, or RS256 with ``private_key``, named ``key_id``)."""
    now = datetime.now(UTC)
    payload = {
        "sub": subject,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
        "roles": roles,
        **{k: str(v) for k, v in claims.items() if v is not None},
    }
    if private_key:
        return jwt.encode(payload, private_key, algorithm="RS256", headers={"kid": key_id} if key_id else None)
    return jwt.encode(payload, settings.jwt_secret, algorithm="HS256")


def bearer_token(request: Request) -> str | None:
    return _bearer(request.headers.get("authorization"))


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Problem(401, "invalid-token", "use 'Authorization: Bearer <token>'")
    return token.strip()


def actor_from_header(authorization: str | None, settings: ServiceSettings) -> Actor:
    """The verified caller behind an ``Authorization`` header; 401 with ``WWW-Authenticate`` if none."""
    token = _bearer(authorization)
    if token is None:
        raise Problem(
            401, "unauthenticated", "send 'Authorization: Bearer <token>'", www_authenticate='Bearer realm="itp"'
        )
    return verifier_for(settings).verify(token)


async def _actor_dependency(request: Request) -> Actor:
    # async: a plain def dependency would cost a worker-thread hop on every request.
    return current_actor(request)


def current_actor(request: Request) -> Actor:
    """The verified caller of ``request``; 401 with ``WWW-Authenticate`` when there is none."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    actor = actor_from_header(request.headers.get("authorization"), request.app.state.settings)
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(_actor_dependency)]
