"""Logging for operators: one JSON object per line (or plain text for ``./dev run``), each naming
its service, level, request id, trace id and span id; and failures that repeat logged with back-off.

``ITP_LOG_FORMAT`` is ``json`` or ``text``; unset, it is ``text`` in development and ``json``
elsewhere. ``ITP_LOG_LEVEL`` (default ``INFO``) sets the level. A traceback is one field of its
record (``exception``), never lines of its own.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from shared.tracing import current_traceparent

if TYPE_CHECKING:
    from shared.settings import ServiceSettings

# What LogRecord carries by itself: everything else on a record came through ``extra=``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


def _trace_ids(traceparent: str | None) -> tuple[str | None, str | None]:
    if traceparent and len(traceparent) == 55:
        return traceparent[3:35], traceparent[36:52]
    return None, None


def _request_id() -> str | None:
    from shared.telemetry import current_scope

    scope = current_scope.get()
    if scope is None:
        return None
    state = scope.get("state") or {}
    rid = state.get("request_id")
    return str(rid) if rid else None


class ContextFilter(logging.Filter):
    """Stamps every record with the service and the request id and trace of where it was made."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id()
        tp = getattr(record, "traceparent", None) or current_traceparent.get()
        record.trace_id, record.span_id = _trace_ids(tp)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, service, logger, message, ids, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": getattr(record, "service", None),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in doc and key != "traceparent" and value is not None:
                doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            doc["stack"] = record.stack_info
        return orjson.dumps(doc, default=str).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(service)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{line} [request {rid}]" if rid and "\n" not in line else line


def log_format(settings: ServiceSettings) -> str:
    """``ITP_LOG_FORMAT``, else text in development and JSON elsewhere."""
    if settings.log_format is not None:
        return settings.log_format
    return "text" if settings.env == "development" else "json"


def configure_logging(settings: ServiceSettings, service: str, *, level: str | None = None) -> None:
    """Route every logger through one handler on stderr, in the settings' format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter(service))
    handler.setFormatter(JsonFormatter() if log_format(settings) == "json" else TextFormatter())
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level or settings.log_level)


class RepeatedFailure:
    """Logs a failure that repeats with back-off: the first with its traceback, then one line at
    the 2nd, 4th, 8th... failure (at least once a minute while it lasts), and one line when it
    recovers. A loop that retries every few milliseconds writes a handful of lines, not thousands."""

    def __init__(self, log: logging.Logger, what: str, *, max_quiet_s: float = 60.0) -> None:
        self.log = log
        self.what = what
        self.max_quiet_s = max_quiet_s
        self.count = 0
        self._next_report = 1
        self._last_report = 0.0

    def failed(self, exc: BaseException, *, where: str = "") -> bool:
        """Count one failure; returns whether it was logged."""
        self.count += 1
        now = time.monotonic()
        if self.count < self._next_report and now - self._last_report < self.max_quiet_s:
            return False
        suffix = f" ({where})" if where else ""
        if self.count == 1:
            self.log.error("%s%s: %s", self.what, suffix, exc, exc_info=exc)
        else:
            self.log.error(
                "%s%s: failed %d times in a row; last: %s: %s",
                self.what,
                suffix,
                self.count,
                type(exc).__name__,
                exc,
                extra={"failures": self.count},
            )
        while self._next_report <= self.count:
            self._next_report *= 2
        self._last_report = now
        return True

    def recovered(self) -> None:
        if self.count:
            self.log.warning("%s: recovered after %d failures", self.what, self.count)
            self.count = 0
            self._next_report = 1
            self._last_report = 0.0
