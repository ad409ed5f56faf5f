"""The gateway's door: bearer tokens, API keys for portal back ends, and rate limits.

API keys are stored hashed (SHA-256 of a 256-bit random secret) in a JSON file the gateway
re-reads when it changes, so revoking a key takes effect without a restart. A request with a
valid key is forwarded with a short-lived token the gateway mints for that key, so every
service sees one kind of credential and verifies it itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.auth import Actor, issue_token, verifier_for
from shared.problems import Problem
from shared.settings import ServiceSettings

KEY_PREFIX = "itpk"


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    key_hash: str
    subject: str
    roles: list[str]
    enterprise_id: str | None = None
    carrier_id: str | None = None
    revoked: bool = False


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyStore:
    """API keys in a JSON file: ``{"keys": [{key_id, key_hash, subject, roles, ...}]}``."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self._mtime: float | None = None
        self._keys: dict[str, ApiKey] = {}

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            self._keys = {}
            return
        mtime = self.path.stat().st_mtime
        if mtime == self._mtime:
            return
        doc = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        self._keys = {k["key_id"]: ApiKey(**k) for k in doc.get("keys", [])}
        self._mtime = mtime

    def _save(self) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps({"keys": [k.__dict__ for k in self._keys.values()]}, indent=2, ensure_ascii=False),
            encoding="utf-8",
        )
        os.replace(tmp, self.path)
        self._mtime = None

    def create(
        self, *, subject: str, roles: list[str], enterprise_id: str | None = None, carrier_id: str | None = None
    ) -> str:
        """Store a new key and return it in clear text (shown once, never stored)."""
        self._load()
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        self._keys[key_id] = ApiKey(key_id, _hash(secret), subject, roles, enterprise_id, carrier_id)
        self._save()
        return f"{KEY_PREFIX}_{key_id}_{secret}"

    def revoke(self, key_id: str) -> bool:
        self._load()
        key = self._keys.get(key_id)
        if key is None:
            return False
        self._keys[key_id] = ApiKey(**{**key.__dict__, "revoked": True})
        self._save()
        return True

    def list(self) -> list[ApiKey]:
        self._load()
        return list(self._keys.values())

    def verify(self, presented: str) -> ApiKey:
        self._load()
        prefix, _, rest = presented.partition("_")
        key_id, _, secret = rest.partition("_")
        key = self._keys.get(key_id) if prefix == KEY_PREFIX else None
        if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
            raise Problem(401, "invalid-api-key", "the API key is not valid")
        if key.revoked:
            raise Problem(401, "revoked-api-key", "the API key has been revoked")
        return key


class TokenBucket:
    """Per-caller rate limit: ``rate`` requests per second on average, bursts up to ``burst``."""

    def __init__(self, rate_per_minute: int, burst: int) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, caller: str) -> float:
        """0 if allowed now, else the seconds until a request would be allowed."""
        now = time.monotonic()
        tokens, last = self._buckets.get(caller, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[caller] = (tokens - 1.0, now)
            return 0.0
        self._buckets[caller] = (tokens, now)
        if len(self._buckets) > 100_000:  # bounded memory: forget the idle
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 300}
        return (1.0 - tokens) / self.rate if self.rate > 0 else 60.0


class GatewayAccess:
    def __init__(
        self, settings: ServiceSettings, *, api_keys_file: str | None, rate_per_minute: int, burst: int
    ) -> None:
        self.settings = settings
        self.keys = ApiKeyStore(api_keys_file)
        self.limiter = TokenBucket(rate_per_minute, burst)
        self._minted: dict[str, tuple[str, float]] = {}

    def authenticate(self, authorization: str | None, api_key: str | None) -> tuple[str, str]:
        """(rate-limit identity, bearer token to forward); raises 401 problems."""
        if api_key:
            key = self.keys.verify(api_key)
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

    def _token_for(self, key: ApiKey) -> str:
        cached = self._minted.get(key.key_id)
        if cached and cached[1] - time.time() > 60:
            return cached[0]
        ttl = timedelta(minutes=10)
        token = issue_token(
            self.settings,
            subject=f"apikey:{key.key_id}:{key.subject}",
            roles=key.roles,
            ttl=ttl,
            enterprise_id=key.enterprise_id,
            carrier_id=key.carrier_id,
        )
        self._minted[key.key_id] = (token, (datetime.now(UTC) + ttl).timestamp())
        return token

    def check_rate(self, identity: str) -> None:
        wait = self.limiter.take(identity)
        if wait > 0:
            raise Problem(429, "rate-limited", "too many requests; slow down", retry_after=max(1, round(wait + 0.5)))


def describe(key: ApiKey) -> dict[str, Any]:
    return {k: v for k, v in key.__dict__.items() if k != "key_hash"}
