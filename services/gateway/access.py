"""The gateway's door: bearer tokens, API keys for portal back ends, and rate limits.

A request with a valid API key (``services/gateway/credentials.py``) is forwarded with a
short-lived token the gateway mints for that key, so every service sees one kind of
credential and verifies it itself. The token is signed as the services verify: HS256 with
the shared secret in development, RS256 with the gateway's private key
(``ITP_JWT_PRIVATE_KEY_FILE``, named ``ITP_JWT_KEY_ID`` in the JWKS) when the services
verify with a public key. ``check_signing`` proves at start-up that they do.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.gateway.credentials import KEY_PREFIX, ApiKey, ApiKeyStore
from services.gateway.settings import GatewaySettings
from shared.auth import Actor, issue_token, verifier_for
from shared.limits import TokenBucket
from shared.problems import Problem

MINTED_TTL = timedelta(minutes=10)


class GatewayAccess:
    def __init__(self, settings: GatewaySettings, *, keys: ApiKeyStore | None) -> None:
        self.settings = settings
        self.keys = keys
        self.limiter = TokenBucket(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self._private_key = (
            Path(settings.jwt_private_key_file).read_text(encoding="utf-8") if settings.jwt_private_key_file else None
        )
        self._minted: dict[str, tuple[str, float]] = {}

    async def authenticate(self, authorization: str | None, api_key: str | None) -> tuple[str, str]:
        """(rate-limit identity, bearer token to forward); raises 401 problems."""
        if api_key:
            if self.keys is None:
                raise Problem(401, "invalid-api-key", "API keys are not accepted here")
            key = await self.keys.verify(api_key)
            return f"key:{key.key_id}", self._token_for(key)
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise Problem(401, "invalid-token", "use 'Authorization: Bearer <token>' or X-API-Key")
            actor: Actor = verifier_for(self.settings).verify(token.strip())
            return f"sub:{actor.subject}", token.strip()
        raise Problem(
            401,
            "unauthenticated",
            "send 'Authorization: Bearer <token>' or 'X-API-Key'",
            www_authenticate='Bearer realm="itp"',
        )

    async def token_for_client(self, key_id: str, secret: str) -> str:
        """A fresh token for the API key ``key_id`` with ``secret`` (OAuth2 client credentials);
        the 401 problems of ``ApiKeyStore.verify`` when it is not a valid key."""
        if self.keys is None:
            raise Problem(401, "invalid-api-key", "API keys are not accepted here")
        return self._mint_for(await self.keys.verify(f"{KEY_PREFIX}_{key_id}_{secret}"))

    def _mint_for(self, key: ApiKey) -> str:
        return self.mint(
            subject=f"apikey:{key.key_id}:{key.subject}",
            roles=key.roles,
            ttl=MINTED_TTL,
            enterprise_id=key.enterprise_id,
            carrier_id=key.carrier_id,
        )

    def mint(self, *, subject: str, roles: list[str], ttl: timedelta, **claims: str | None) -> str:
        """A token the services accept, signed with the gateway's key."""
        return issue_token(
            self.settings,
            subject=subject,
            roles=roles,
            ttl=ttl,
            private_key=self._private_key,
            key_id=self.settings.jwt_key_id,
            **claims,
        )

    def check_signing(self) -> None:
        """Refuse to start when the tokens minted for API keys would not verify at the services."""
        probe = self.mint(subject="gateway-start-up-probe", roles=[], ttl=timedelta(minutes=1))
        try:
            verifier_for(self.settings).verify(probe)
        except Problem as exc:
            raise RuntimeError(
                "tokens minted for API keys would be refused by the services: the gateway's signing key "
                "(ITP_JWT_PRIVATE_KEY_FILE, ITP_JWT_KEY_ID) does not match their verification key "
                f"(ITP_JWT_PUBLIC_KEY_FILE or ITP_JWT_SECRET): {exc.detail}"
            ) from exc

    def _token_for(self, key: ApiKey) -> str:
        cached = self._minted.get(key.key_id)
        if cached and cached[1] - time.time() > 60:
            return cached[0]
        token = self._mint_for(key)
        self._minted[key.key_id] = (token, (datetime.now(UTC) + MINTED_TTL).timestamp())
        return token

    def check_rate(self, identity: str) -> None:
        wait = self.limiter.take(identity)
        if wait > 0:
            raise Problem(429, "rate-limited", "too many requests; slow down", retry_after=max(1, round(wait + 0.5)))
