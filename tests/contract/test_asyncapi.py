"""docs/asyncapi.json is accepted by the official AsyncAPI parser (the drift test is
tests/unit/test_catalogue.py; the e2e fixture validates the events it sees against it)."""

from __future__ import annotations

import pytest

from tests.contract.support import check_asyncapi, check_events, missing

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def test_the_official_parser_accepts_the_asyncapi_document() -> None:
    result = check_asyncapi()
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_event_that_breaks_its_schema_is_reported() -> None:
    event = {
        "specversion": "1.0",
        "id": "e1",
        "source": "/itp/demand",
        "type": "cn.jitri.itp.DemandSubmitted.v1",
        "subject": "d1",
        "time": "2026-01-01T00:00:00Z",
        "data": {"unexpected": True},
    }
    result = check_events([event])
    assert result.returncode == 1
    assert "DemandSubmitted" in result.stdout
