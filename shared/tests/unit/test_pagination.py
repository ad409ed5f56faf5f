"""Opaque cursors, ETags and If-Match; Idempotency-Key checks."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.idempotency import MAX_KEY_LENGTH, check_key, request_hash
from shared.pagination import decode_cursor, encode_cursor, etag, page, parse_if_match
from shared.problems import Problem

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)


# --- cursors ------------------------------------------------------------------------------


@settings(max_examples=100)
@given(st.lists(json_scalars, max_size=5))
def test_cursor_round_trip(values: list[object]) -> None:
    cursor = encode_cursor(values)
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor  # URL-safe, unpadded
    assert decode_cursor(cursor) == values


def test_cursor_of_a_typical_keyset() -> None:
    values = ["2026-03-02T01:30:00+00:00", "3d9a7c51-0e2b-4f8a-b6c4-1a2b3c4d5e6f", "3500000.00", "高镍正极"]
    assert decode_cursor(encode_cursor(values)) == values


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor!",
        "游标",
        "a",
        _b64(b"not json"),
        _b64(b'{"a": 1}'),
        _b64(b'"text"'),
        _b64(b"42"),
        _b64(b"null"),
        _b64(b"\xff\xfe"),
    ],
    ids=["empty", "junk", "chinese", "one-char", "not-json", "object", "string", "number", "null", "bad-utf8"],
)
def test_bad_cursor_is_a_400_problem(cursor: str) -> None:
    with pytest.raises(Problem) as info:
        decode_cursor(cursor)
    assert info.value.status == 400 and info.value.slug == "bad-cursor"


@settings(max_examples=100)
@given(st.text(max_size=30))
def test_any_string_either_decodes_to_a_list_or_is_a_400(cursor: str) -> None:
    try:
        assert isinstance(decode_cursor(cursor), list)
    except Problem as exc:
        assert exc.status == 400


# --- ETag / If-Match ------------------------------------------------------------------------


@settings(max_examples=100)
@given(st.integers(1, 10**9))
def test_etag_round_trips_through_if_match(version: int) -> None:
    assert parse_if_match(etag(version)) == version
    assert parse_if_match(f"W/{etag(version)}") == version
    assert parse_if_match(f"  {etag(version)} ") == version


def test_etag_format() -> None:
    assert etag(7) == '"v7"'


def test_absent_if_match_is_none() -> None:
    assert parse_if_match(None) is None


@pytest.mark.parametrize("header", ["", "*", '"7"', '"v"', '"vx"', '"v-1"', '"v1.5"', '"v1", "v2"', "abc"])
def test_unparseable_if_match_is_412(header: str) -> None:
    with pytest.raises(Problem) as info:
        parse_if_match(header)
    assert info.value.status == 412 and info.value.slug == "precondition-failed"


@pytest.mark.parametrize("header", ['"v²"', '"v①"', 'W/"v³"'])
def test_non_ascii_digits_in_if_match_are_412(header: str) -> None:
    with pytest.raises(Problem) as info:
        parse_if_match(header)
    assert info.value.status == 412


def test_only_ascii_digits_name_a_version() -> None:
    with pytest.raises(Problem):
        parse_if_match('"v٣"')


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_request_hash_is_sha256_hex_and_deterministic() -> None:
    h = request_hash('{"title":"高镍正极"}'.encode())
    assert len(h) == 64 and int(h, 16) >= 0
    assert h == request_hash('{"title":"高镍正极"}'.encode())
    assert h != request_hash('{"title":"高镍正极 "}'.encode())
    assert request_hash(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("key", ["a", "  order-2026-0001  ", "幂等键-1", "k" * MAX_KEY_LENGTH])
def test_good_idempotency_keys_are_stripped(key: str) -> None:
    assert check_key(key) == key.strip()


@pytest.mark.parametrize("key", ["", "   ", "\t\n", "k" * (MAX_KEY_LENGTH + 1)])
def test_bad_idempotency_key_is_400(key: str) -> None:
    with pytest.raises(Problem) as info:
        check_key(key)
    assert info.value.status == 400 and info.value.slug == "bad-idempotency-key"


def test_a_page_cuts_the_extra_row_and_names_the_cursor_after_the_last_one_shown() -> None:
    rows = [1, 2, 3]
    assert page(rows, 3, lambda r: f"after {r}") == ([1, 2, 3], None)
    assert page(rows, 2, lambda r: f"after {r}") == ([1, 2], "after 2")
    assert page([], 2, lambda r: f"after {r}") == ([], None)
