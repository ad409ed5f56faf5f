"""Token verification: HS256 in development, RS256 with a PEM key or a JWKS file in production."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import Role, TokenVerifier, issue_token
from shared.problems import Problem
from shared.settings import ServiceSettings


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    return _rsa_pair()


def _production(tmp_path: Path, content: str, name: str = "key.pem") -> ServiceSettings:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return ServiceSettings(env="production", jwt_secret="x" * 40, jwt_public_key_file=str(path))


def test_rs256_token_is_verified_with_the_public_key(tmp_path: Path, rsa_keys: tuple[str, str]) -> None:
    private, public = rsa_keys
    settings = _production(tmp_path, public)
    enterprise = uuid.uuid4()
    token = issue_token(
        settings, subject="u1", roles=["enterprise_user"], private_key=private, enterprise_id=enterprise
    )
    actor = TokenVerifier(settings).verify(token)
    assert actor.roles == {Role.ENTERPRISE_USER} and actor.enterprise_id == enterprise


def test_hs256_token_is_refused_when_rs256_is_configured(tmp_path: Path, rsa_keys: tuple[str, str]) -> None:
    """The classic algorithm-confusion attack: an HS256 token signed with the public key as secret."""
    _, public = rsa_keys
    settings = _production(tmp_path, public)
    forged = jwt.encode({"sub": "x", "aud": "itp", "exp": 9999999999, "roles": ["admin"]}, "x" * 40, algorithm="HS256")
    with pytest.raises(Problem) as info:
        TokenVerifier(settings).verify(forged)
    assert info.value.status == 401


def test_a_token_signed_by_another_key_is_refused(tmp_path: Path, rsa_keys: tuple[str, str]) -> None:
    _, public = rsa_keys
    other_private, _ = _rsa_pair()
    settings = _production(tmp_path, public)
    token = issue_token(settings, subject="u", roles=["admin"], private_key=other_private)
    with pytest.raises(Problem, match="not valid"):
        TokenVerifier(settings).verify(token)


def test_jwks_file_picks_the_key_by_kid(tmp_path: Path, rsa_keys: tuple[str, str]) -> None:
    private, public = rsa_keys
    _, other_public = _rsa_pair()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(_public_key(public)))
    other = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(_public_key(other_public)))
    jwks = {"keys": [{**other, "kid": "old", "use": "sig"}, {**jwk, "kid": "current", "use": "sig"}]}
    settings = _production(tmp_path, json.dumps(jwks), "jwks.json")
    token = issue_token(settings, subject="u", roles=["operator"], private_key=private, key_id="current")
    assert TokenVerifier(settings).verify(token).roles == {Role.OPERATOR}
    wrong = issue_token(settings, subject="u", roles=["operator"], private_key=private, key_id="old")
    with pytest.raises(Problem):
        TokenVerifier(settings).verify(wrong)
    unknown = issue_token(settings, subject="u", roles=["operator"], private_key=private, key_id="nope")
    with pytest.raises(Problem, match="no key"):
        TokenVerifier(settings).verify(unknown)


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        ({"ttl": timedelta(minutes=-5)}, "token-expired"),
        ({"audience": "someone-else"}, "invalid-token"),
        ({"roles": ["enterprise_user"]}, "invalid-token"),  # bound role without its enterprise_id
        ({"roles": ["carrier_user"]}, "invalid-token"),
    ],
)
def test_hs256_refusals(claims: dict[str, object], problem: str) -> None:
    settings = ServiceSettings(env="test")
    issuer = ServiceSettings(env="test", jwt_audience=str(claims.pop("audience", "itp")))
    roles = claims.pop("roles", ["admin"])
    token = issue_token(issuer, subject="u", roles=roles, **claims)  # type: ignore[arg-type]
    with pytest.raises(Problem) as info:
        TokenVerifier(settings).verify(token)
    assert (info.value.status, info.value.slug) == (401, problem)


def test_unknown_roles_grant_nothing() -> None:
    settings = ServiceSettings(env="test")
    token = issue_token(settings, subject="u", roles=["superuser", "operator"])
    assert TokenVerifier(settings).verify(token).roles == {Role.OPERATOR}
