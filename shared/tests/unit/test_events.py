"""Domain events and their CloudEvents envelope: naming rules, round trips, poison."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.events import DomainEvent, Envelope, PoisonMessage, event_class_for, registered_events, topics
from shared.events import demand as ev
from shared.events.base import CE_TYPE_PREFIX
from shared.events.envelope import SPECVERSION

# The platform's events are declared in shared.events.<service>; tests elsewhere may register
# throwaway events of their own, which are not the platform's contract.
EVENTS = sorted(
    ((t, c) for t, c in registered_events().items() if c.__module__.startswith("shared.events.")), key=lambda tc: tc[0]
)
EVENT_IDS = [ce_type.removeprefix(CE_TYPE_PREFIX) for ce_type, _ in EVENTS]

# Past-tense names that do not end in -ed. Add to this list deliberately, not to silence the test.
PAST_TENSE_ALLOWED = frozenset(
    {"DemandWithdrawn", "TraineeWithdrawn", "AssignmentMade", "ContractSignedByParty", "GrantConvertedToEquity"}
)

DEMAND_ID = uuid.UUID("3d9a7c51-0e2b-4f8a-b6c4-1a2b3c4d5e6f")
ENTERPRISE_ID = uuid.UUID("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def submitted(**kw: Any) -> ev.DemandSubmitted:
    attrs: dict[str, Any] = {
        "demand_id": DEMAND_ID,
        "enterprise_id": ENTERPRISE_ID,
        "title": "高镍三元正极材料循环寿命提升",
        "description": "需开发表面包覆与掺杂工艺",
        "fields": ["energy.batteries"],
        "keywords": ["高镍正极"],
        "demand_type": "technology_development",
        "budget": Decimal("3500000.00"),
        "deadline": datetime(2026, 12, 31, 16, tzinfo=UTC),
        "submitted_at": T0,
    }
    attrs.update(kw)
    return ev.DemandSubmitted(**attrs)


# --- declarations ----------------------------------------------------------------------------


def test_past_tense_allow_list_has_no_stale_entries() -> None:
    assert {cls.TYPE for _, cls in EVENTS} >= PAST_TENSE_ALLOWED


def test_registry_is_not_empty_and_keyed_by_ce_type() -> None:
    assert len(EVENTS) >= 16
    for ce_type, cls in EVENTS:
        assert cls.ce_type() == ce_type
        assert event_class_for(ce_type) is cls
    assert event_class_for("cn.jitri.itp.NoSuchThing.v1") is None


@pytest.mark.parametrize(("ce_type", "cls"), EVENTS, ids=EVENT_IDS)
def test_event_declaration(ce_type: str, cls: type[DomainEvent]) -> None:
    assert re.fullmatch(r"[A-Z][A-Za-z]+", cls.TYPE), cls.TYPE
    assert cls.TYPE.endswith("ed") or cls.TYPE in PAST_TENSE_ALLOWED, f"{cls.TYPE} is not in the past tense"
    assert isinstance(cls.VERSION, int) and cls.VERSION >= 1
    assert ce_type == f"{CE_TYPE_PREFIX}{cls.TYPE}.v{cls.VERSION}"
    assert cls.TOPIC in topics.ALL
    assert cls.KEY in cls.model_fields
    assert cls.AGGREGATE and cls.AGGREGATE.islower()
    assert cls.model_config.get("frozen") is True
    assert cls.model_config.get("extra") == "forbid"


def test_topics_and_dlq() -> None:
    assert len(set(topics.ALL)) == len(topics.ALL)
    assert topics.dlq(topics.DEMAND) == "itp.demand.events.dlq"


def test_a_second_class_with_a_registered_type_is_refused() -> None:
    with pytest.raises(TypeError, match="declared twice"):

        class DemandSubmittedAgain(DomainEvent):  # pragma: no cover - the declaration itself fails
            TYPE = "DemandSubmitted"
            TOPIC = topics.DEMAND
            AGGREGATE = "demand"
            KEY = "demand_id"
            demand_id: uuid.UUID


def test_a_key_that_is_not_a_field_is_refused() -> None:
    with pytest.raises(TypeError, match="is not a field"):

        class Misdeclared(DomainEvent):  # pragma: no cover - the declaration itself fails
            TYPE = "MisdeclaredHappened"
            TOPIC = topics.DEMAND
            AGGREGATE = "demand"
            KEY = "demand_id"
            other: int

    assert event_class_for(f"{CE_TYPE_PREFIX}MisdeclaredHappened.v1") is None


def test_events_are_frozen_and_strict() -> None:
    e = submitted()
    with pytest.raises(ValueError):
        e.title = "changed"
    with pytest.raises(ValueError):
        submitted(unexpected="x")
    assert e.aggregate_key == str(DEMAND_ID)


# --- the envelope ------------------------------------------------------------------------------


def test_wrap_sets_the_cloudevents_attributes() -> None:
    e = submitted()
    env = Envelope.wrap(e, source="/itp/demand", traceparent=TRACEPARENT)
    assert env.type == "cn.jitri.itp.DemandSubmitted.v1"
    assert env.subject == str(DEMAND_ID)
    assert env.source == "/itp/demand"
    assert uuid.UUID(env.id)
    assert env.time is not None and env.time.tzinfo is not None
    assert Envelope.wrap(e, source="/itp/demand", traceparent=None).id != env.id


def test_structured_mode_json() -> None:
    env = Envelope.wrap(submitted(), source="/itp/demand", traceparent=TRACEPARENT)
    doc = orjson.loads(env.to_json())
    assert doc["specversion"] == SPECVERSION == "1.0"
    assert doc["datacontenttype"] == "application/json"
    assert doc["time"].endswith("Z")
    assert doc["traceparent"] == TRACEPARENT
    assert {"id", "source", "type", "subject", "time", "data"} <= set(doc)
    assert "traceparent" not in orjson.loads(Envelope.wrap(submitted(), source="/x", traceparent=None).to_json())


@pytest.mark.parametrize("budget", ["0.10", "3500000.00", "1710000000.00", "9999999999999999.99", "0.01"])
def test_decimal_travels_as_an_exact_string(budget: str) -> None:
    env = Envelope.wrap(submitted(budget=Decimal(budget)), source="/itp/demand", traceparent=None)
    raw = env.to_json()
    assert orjson.loads(raw)["data"]["budget"] == budget
    assert f'"budget":"{budget}"'.encode() in raw
    e = Envelope.from_json(raw).event()
    assert isinstance(e, ev.DemandSubmitted) and e.budget == Decimal(budget)
    assert str(e.budget) == budget


def _round_trip(event: DomainEvent) -> DomainEvent | None:
    env = Envelope.wrap(event, source="/itp/test", traceparent=TRACEPARENT)
    back = Envelope.from_json(env.to_json())
    assert (back.id, back.type, back.source, back.subject, back.traceparent) == (
        env.id,
        env.type,
        env.source,
        env.subject,
        env.traceparent,
    )
    assert back.time == env.time
    return back.event()


def test_round_trip_of_a_submitted_demand() -> None:
    e = submitted(center_id=uuid.uuid4(), trl_current=3, trl_target=6, province="江苏省", city="常州市")
    assert _round_trip(e) == e


offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
aware = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets)
money = st.decimals(min_value=0, max_value=Decimal("9999999999999999.99"), places=2)


@settings(max_examples=75, deadline=None)
@given(
    title=st.text(max_size=100),
    description=st.text(max_size=300),
    keywords=st.lists(st.text(max_size=30), max_size=5),
    budget=st.none() | money,
    deadline=st.none() | aware,
    submitted_at=aware,
)
def test_round_trip_of_any_submitted_demand(
    title: str,
    description: str,
    keywords: list[str],
    budget: Decimal | None,
    deadline: datetime | None,
    submitted_at: datetime,
) -> None:
    e = submitted(
        title=title,
        description=description,
        keywords=keywords,
        budget=budget,
        deadline=deadline,
        submitted_at=submitted_at,
    )
    assert _round_trip(e) == e


@settings(max_examples=50, deadline=None)
@given(
    changed=st.dictionaries(
        st.text(max_size=20),
        # JSON-safe integers: within 2**53 every consumer's JSON parser reads them exactly.
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text() | st.lists(st.text(max_size=10)),
        max_size=5,
    )
)
def test_round_trip_of_updates_with_json_values(changed: dict[str, object]) -> None:
    e = ev.DemandUpdated(demand_id=DEMAND_ID, changed=changed, version=3, updated_at=T0)
    assert _round_trip(e) == e


def test_extensions_survive_the_round_trip() -> None:
    doc = orjson.loads(Envelope.wrap(submitted(), source="/s", traceparent=None).to_json())
    doc["partitionkey"] = str(DEMAND_ID)
    env = Envelope.from_json(orjson.dumps(doc))
    assert env.extensions == {"partitionkey": str(DEMAND_ID)}
    assert orjson.loads(env.to_json())["partitionkey"] == str(DEMAND_ID)


def test_from_json_accepts_text_and_naive_time_as_utc() -> None:
    doc = _valid_doc()
    doc["time"] = "2026-03-02T01:30:00"
    env = Envelope.from_json(orjson.dumps(doc).decode())
    assert env.time == T0


def _valid_doc() -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(Envelope.wrap(submitted(), source="/itp/demand", traceparent=None).to_json())
    return doc


@pytest.mark.parametrize(
    "raw",
    [None, b"", b"not json", b"{", b"\xff\xfe", b"[1, 2]", b'"a string"', b"42", b"null", b"true"],
    ids=["none", "empty", "text", "truncated", "bad-utf8", "array", "string", "number", "null", "bool"],
)
def test_not_a_json_object_is_poison(raw: bytes | None) -> None:
    with pytest.raises(PoisonMessage):
        Envelope.from_json(raw)


@pytest.mark.parametrize("attr", ["id", "source", "type", "specversion"])
@pytest.mark.parametrize("how", ["missing", "empty"])
def test_missing_required_attribute_is_poison(attr: str, how: str) -> None:
    doc = _valid_doc()
    if how == "missing":
        del doc[attr]
    else:
        doc[attr] = ""
    with pytest.raises(PoisonMessage, match=attr):
        Envelope.from_json(orjson.dumps(doc))


@pytest.mark.parametrize("version", ["0.3", "1", "2.0", 1.0])
def test_wrong_specversion_is_poison(version: object) -> None:
    doc = _valid_doc()
    doc["specversion"] = version
    with pytest.raises(PoisonMessage, match="specversion"):
        Envelope.from_json(orjson.dumps(doc))


@pytest.mark.parametrize("data", [[1, 2], "text", 3])
def test_data_that_is_not_an_object_is_poison(data: object) -> None:
    doc = _valid_doc()
    doc["data"] = data
    with pytest.raises(PoisonMessage, match="data"):
        Envelope.from_json(orjson.dumps(doc))


def test_bad_time_is_poison() -> None:
    doc = _valid_doc()
    doc["time"] = "yesterday"
    with pytest.raises(PoisonMessage, match="time"):
        Envelope.from_json(orjson.dumps(doc))


def test_time_is_optional_in_cloudevents() -> None:
    doc = _valid_doc()
    del doc["time"]
    env = Envelope.from_json(orjson.dumps(doc))
    assert env.event() == submitted()


def test_unknown_type_gives_no_event() -> None:
    doc = _valid_doc()
    doc["type"] = "com.example.SomethingHappened.v1"
    env = Envelope.from_json(orjson.dumps(doc))
    assert env.event() is None
    doc["type"] = f"{CE_TYPE_PREFIX}DemandSubmitted.v99"
    assert Envelope.from_json(orjson.dumps(doc)).event() is None


def test_our_type_with_data_that_does_not_fit_is_poison() -> None:
    doc = _valid_doc()
    del doc["data"]["title"]
    with pytest.raises(PoisonMessage, match="DemandSubmitted"):
        Envelope.from_json(orjson.dumps(doc)).event()
    doc = _valid_doc()
    doc["data"]["surprise"] = 1
    with pytest.raises(PoisonMessage):
        Envelope.from_json(orjson.dumps(doc)).event()
    doc = _valid_doc()
    del doc["data"]
    with pytest.raises(PoisonMessage):
        Envelope.from_json(orjson.dumps(doc)).event()
