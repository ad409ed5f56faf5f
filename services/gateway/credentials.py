"""API keys for portal back ends, in the gateway's credential store (ADR 0005).

A key is ``itpk_<key id>_<secret>``; only the SHA-256 of its 256-bit random secret is stored,
in the gateway's own database (``itp_gateway`` on PostgreSQL, ``gateway.db`` in the embedded
mode), which every gateway replica shares. A replica reads a key through a cache that keeps
an answer at most ``ITP_API_KEY_CACHE_S`` (2 s by default), so a key revoked anywhere (``itp
apikey revoke``) is refused by every replica within that time, and keys survive restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.gateway.tables import api_keys
from shared.auth import Role
from shared.problems import Problem

KEY_PREFIX = "itpk"
_CACHE_MAX = 10_000


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    key_hash: str
    subject: str
    roles: list[str]
    enterprise_id: str | None = None
    carrier_id: str | None = None
    created_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _row_to_key(row: Any) -> ApiKey:
    return ApiKey(
        key_id=row.key_id,
        key_hash=row.key_hash,
        subject=row.subject,
        roles=list(row.roles),
        enterprise_id=str(row.enterprise_id) if row.enterprise_id else None,
        carrier_id=str(row.carrier_id) if row.carrier_id else None,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _uuid(value: str | None, name: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError(f"{name} must be a UUID, not {value!r}") from None


def describe(key: ApiKey) -> dict[str, Any]:
    """A key as ``itp apikey list`` shows it (never its hash)."""
    return {
        "key_id": key.key_id,
        "subject": key.subject,
        "roles": key.roles,
        "enterprise_id": key.enterprise_id,
        "carrier_id": key.carrier_id,
        "created_at": key.created_at.isoformat() if key.created_at else None,
        "revoked": key.revoked,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


class ApiKeyStore:
    """API keys in the ``api_keys`` table, read through a short-lived cache."""

    def __init__(self, engine: AsyncEngine, *, cache_s: float = 2.0) -> None:
        self.engine = engine
        self.cache_s = cache_s
        self._cache: dict[str, tuple[ApiKey | None, float]] = {}

    async def create(
        self, *, subject: str, roles: list[str], enterprise_id: str | None = None, carrier_id: str | None = None
    ) -> str:
        """Store a new key and return it in clear text (shown once, never stored).

        The key must be one the services will accept: known roles, and the enterprise or
        carrier an ``enterprise_user`` or ``carrier_user`` acts for."""
        unknown = [r for r in roles if r not in Role._value2member_map_]
        if not roles or unknown:
            raise ValueError(f"unknown roles {unknown}; choose from {', '.join(r.value for r in Role)}")
        enterprise = _uuid(enterprise_id, "enterprise_id")
        carrier = _uuid(carrier_id, "carrier_id")
        if Role.ENTERPRISE_USER in roles and enterprise is None:
            raise ValueError("an enterprise_user key needs --enterprise-id")
        if Role.CARRIER_USER in roles and carrier is None:
            raise ValueError("a carrier_user key needs --carrier-id")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        async with self.engine.begin() as conn:
            await conn.execute(
                api_keys.insert().values(
                    key_id=key_id,
                    key_hash=_hash(secret),
                    subject=subject,
                    roles=list(roles),
                    enterprise_id=enterprise,
                    carrier_id=carrier,
                    created_at=datetime.now(UTC),
                )
            )
        return f"{KEY_PREFIX}_{key_id}_{secret}"

    async def revoke(self, key_id: str) -> bool:
        """Revoke a key (refused by every replica within ``cache_s``); False if there is no such key."""
        async with self.engine.begin() as conn:
            found = await conn.execute(sa.select(api_keys.c.key_id).where(api_keys.c.key_id == key_id))
            if found.first() is None:
                return False
            await conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        self._cache.pop(key_id, None)
        return True

    async def list(self) -> list[ApiKey]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.key_id))
            return [_row_to_key(r) for r in rows]

    async def get(self, key_id: str) -> ApiKey | None:
        """The key, as stored at most ``cache_s`` ago."""
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[1] < self.cache_s:
            return cached[0]
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id))).first()
        key = _row_to_key(row) if row is not None else None
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[key_id] = (key, now)
        return key

    async def verify(self, presented: str) -> ApiKey:
        """The key ``presented`` stands for; 401 problems when it is unknown, wrong or revoked."""
        prefix, _, rest = presented.partition("_")
        key_id, _, secret = rest.partition("_")
        valid_form = prefix == KEY_PREFIX and 0 < len(key_id) <= 32 and key_id.isalnum() and secret
        key = await self.get(key_id) if valid_form else None
        if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
            raise Problem(401, "invalid-api-key", "the API key is not valid")
        if key.revoked:
            raise Problem(401, "revoked-api-key", "the API key has been revoked")
        return key

    async def ping(self) -> None:
        """Raise unless the store answers (and is migrated)."""
        async with self.engine.connect() as conn:
            await conn.execute(sa.select(api_keys.c.key_id).limit(1))
