"""CloudEvents 1.0 in structured content mode, as JSON, on Kafka.

The record value is the whole CloudEvent (``application/cloudevents+json``); the record
key is the aggregate id; the Kafka headers repeat ``content-type`` and ``traceparent``
so that tools can route without parsing. Any client in any language can read it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from shared.events.base import DomainEvent, event_class_for

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
_REQUIRED = ("specversion", "id", "source", "type")


class PoisonMessage(ValueError):
    """A message that can never be processed: not a CloudEvent, or data that does not fit."""


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    subject: str
    time: datetime | None
    data: dict[str, Any]
    traceparent: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def wrap(
        cls, event: DomainEvent, *, source: str, traceparent: str | None, time: datetime | None = None
    ) -> Envelope:
        """The event as a CloudEvent; ``time`` is when it happened (default: now)."""
        return cls(
            id=str(uuid.uuid4()),
            type=event.ce_type(),
            source=source,
            subject=event.aggregate_key,
            time=time or datetime.now(UTC),
            data=event.model_dump(mode="json"),
            traceparent=traceparent,
        )

    def to_json(self) -> bytes:
        doc: dict[str, Any] = {
            "specversion": SPECVERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "datacontenttype": "application/json",
            "data": self.data,
        }
        if self.time is not None:
            doc["time"] = self.time.isoformat().replace("+00:00", "Z")
        if self.traceparent:
            doc["traceparent"] = self.traceparent
        doc.update(self.extensions)
        return orjson.dumps(doc)

    @classmethod
    def from_json(cls, raw: bytes | str | None) -> Envelope:
        """Parse a structured-mode CloudEvent; raise PoisonMessage when it is not one."""
        if raw is None:
            raise PoisonMessage("empty record value")
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise PoisonMessage(f"value is not JSON: {exc}") from exc
        if not isinstance(doc, dict):
            raise PoisonMessage("value is not a JSON object")
        missing = [k for k in _REQUIRED if not doc.get(k)]
        if missing:
            raise PoisonMessage(f"not a CloudEvent, missing {', '.join(missing)}")
        if doc["specversion"] != SPECVERSION:
            raise PoisonMessage(f"unsupported specversion {doc['specversion']!r}")
        data = doc.get("data")
        if data is not None and not isinstance(data, dict):
            raise PoisonMessage("data is not a JSON object")
        time: datetime | None = None
        if doc.get("time") is not None:  # OPTIONAL in CloudEvents 1.0
            try:
                time = datetime.fromisoformat(str(doc["time"]).replace("Z", "+00:00"))
            except ValueError as exc:
                raise PoisonMessage(f"bad time attribute: {exc}") from exc
            if time.tzinfo is None:
                time = time.replace(tzinfo=UTC)
        known = {*_REQUIRED, "subject", "time", "datacontenttype", "data", "traceparent"}
        return cls(
            id=str(doc["id"]),
            type=str(doc["type"]),
            source=str(doc["source"]),
            subject=str(doc.get("subject") or ""),
            time=time,
            data=data or {},
            traceparent=doc.get("traceparent"),
            extensions={k: v for k, v in doc.items() if k not in known},
        )

    def event(self) -> DomainEvent | None:
        """The typed event, None for a type this platform does not declare.

        Raises PoisonMessage when the type is ours but the data does not validate.
        """
        cls = event_class_for(self.type)
        if cls is None:
            return None
        try:
            return cls.model_validate(self.data)
        except ValueError as exc:
            raise PoisonMessage(f"{self.type} data invalid: {exc}") from exc
