"""What the gateway forwards at its edge."""

from __future__ import annotations

from services.gateway.access import GatewayAccess
from services.gateway.edge import edge_headers
from services.gateway.settings import GatewaySettings
from shared.testing import token_for
from shared.tracing import current_traceparent


async def test_forwarded_headers_take_the_first_of_each_and_drop_the_api_key() -> None:
    access = GatewayAccess(GatewaySettings(env="test", rate_limit_per_minute=60, rate_limit_burst=10), keys=None)
    token = token_for("operator")
    raw = [
        (b"accept", b"application/json"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"accept", b"text/html"),
        (b"x-forwarded-for", b"10.0.0.1"),
        (b"connection", b"keep-alive"),
        (b"if-match", b'"v2"'),
        (b"content-type", b"application/json"),
    ]
    reset = current_traceparent.set("00-" + "a" * 32 + "-" + "b" * 16 + "-01")
    try:
        out = await edge_headers(raw, access, "req-9")
    finally:
        current_traceparent.reset(reset)
    assert out == {
        "content-type": "application/json",
        "accept": "application/json",
        "authorization": f"Bearer {token}",
        "if-match": '"v2"',
        "x-request-id": "req-9",
        "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    }
    assert list(out) == ["content-type", "accept", "authorization", "if-match", "x-request-id", "traceparent"]
