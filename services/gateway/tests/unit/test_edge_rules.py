"""The shortcuts of the fast path and the client compute what the slow ways compute."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from yarl import URL

from services.gateway.access import GatewayAccess
from services.gateway.downstream import _target
from services.gateway.edge import edge_headers
from services.gateway.fastpath import proxy_query
from services.gateway.settings import GatewaySettings
from shared.testing import token_for
from shared.tracing import current_traceparent

BASE = "http://127.0.0.1:8001"
# Characters that matter to URL parsing and quoting, and some that do not.
URL_CHARS = st.sampled_from(
    [*"aZ09-._~/?#%[]@!$&'()*+,;=: \t\\\"<>^`{|}中é", "%2F", "%7e", "%41", "%zz", "/./", "/../"]
)


@settings(max_examples=400)
@given(st.lists(URL_CHARS, max_size=12).map("".join), st.lists(URL_CHARS, max_size=12).map("".join))
def test_the_request_target_is_yarls(path: str, query: str) -> None:
    path = "/api/v1/" + path
    url = BASE + path + (f"?{query}" if query else "")
    try:
        expected = URL(url).raw_path_qs
    except ValueError:
        return
    assert _target(url, path, query) == expected


@settings(max_examples=300)
@given(st.binary(max_size=24) | st.lists(URL_CHARS, max_size=10).map(lambda x: "".join(x).encode()))
def test_the_query_is_starlettes(qs: bytes) -> None:
    scope = {"type": "http", "method": "GET", "path": "/api/v1/x", "query_string": qs, "headers": [(b"host", b"gw")]}
    try:
        expected = Request(scope).url.query
    except UnicodeDecodeError:
        return
    assert proxy_query(scope) == expected


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
