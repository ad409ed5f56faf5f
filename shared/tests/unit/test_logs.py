"""JSON log lines with the request's ids, the format chosen by settings, failures logged with back-off."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import orjson
import pytest
from fastapi import FastAPI

from shared.http import RequestContextMiddleware
from shared.logs import ContextFilter, JsonFormatter, RepeatedFailure, TextFormatter, configure_logging, log_format
from shared.problems import install_problem_handlers
from shared.settings import ServiceSettings
from shared.telemetry import RequestTelemetry

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Everything logged while the test runs, as the JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter("unit"))
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _records(stream: io.StringIO) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in stream.getvalue().splitlines()]


async def test_an_unhandled_error_is_one_json_line_with_the_request_id_the_client_got(json_lines: io.StringIO) -> None:
    app = FastAPI()

    @app.get("/boom/{n}")
    async def boom(n: int) -> None:
        raise RuntimeError(f"broken {n}")

    install_problem_handlers(app)
    app.add_middleware(RequestTelemetry, service="unit")
    app.add_middleware(RequestContextMiddleware)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.get("/boom/3", headers={"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"})
    assert r.status_code == 500

    records = _records(json_lines)  # every line parses: a traceback is never lines of its own
    error = next(x for x in records if x["level"] == "error")
    assert error["service"] == "unit"
    assert error["request_id"] == r.headers["x-request-id"]
    assert error["trace_id"] == TRACE_ID
    assert isinstance(error["span_id"], str) and len(error["span_id"]) == 16
    assert "RuntimeError: broken 3" in str(error["exception"])
    access = [x for x in records if x["logger"] == "itp.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == r.headers["x-request-id"]
    assert access[0]["http"] == {"method": "GET", "route": "/boom/{n}", "path": "/boom/3", "status": 500}
    assert access[0]["trace_id"] == TRACE_ID


def test_format_is_text_in_development_json_elsewhere_unless_set() -> None:
    assert log_format(ServiceSettings(env="development")) == "text"
    assert log_format(ServiceSettings(env="test")) == "json"
    assert log_format(ServiceSettings(env="test", log_format="text")) == "text"
    assert log_format(ServiceSettings(env="development", log_format="json")) == "json"


def test_configure_logging_installs_one_handler_in_the_chosen_format() -> None:
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    try:
        configure_logging(ServiceSettings(env="test", log_level="WARNING"), "demand")
        configure_logging(ServiceSettings(env="test", log_level="WARNING"), "demand")  # twice: still one
        assert len(root.handlers) == 1
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        assert root.level == logging.WARNING
        configure_logging(ServiceSettings(env="development"), "demand")
        assert isinstance(root.handlers[0].formatter, TextFormatter)
    finally:
        for h in list(root.handlers):
            root.removeHandler(h)
        for h in saved:
            root.addHandler(h)
        root.setLevel(level)


def test_a_failure_repeating_in_a_tight_loop_is_logged_with_back_off(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("unit.relay")
    failure = RepeatedFailure(log, "outbox relay of unit")
    with caplog.at_level(logging.INFO, logger="unit.relay"):
        for _ in range(1000):
            failure.failed(RuntimeError("relation outbox does not exist"))
        failure.recovered()
        failure.failed(RuntimeError("again"))
    lines = [r for r in caplog.records if r.name == "unit.relay"]
    # The 1st, 2nd, 4th ... 512th failures (10 lines), the recovery, the first of the next run.
    assert len(lines) == 12
    assert lines[0].exc_info is not None and all(r.exc_info is None for r in lines[1:10])
    assert "failed 512 times in a row" in lines[9].getMessage()
    assert "recovered after 1000 failures" in lines[10].getMessage()
    assert lines[11].exc_info is not None  # a new run of failures starts with its traceback
