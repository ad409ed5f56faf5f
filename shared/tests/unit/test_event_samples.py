"""Wire samples: one CloudEvent per event version, kept in event_samples/<Type>.v<N>.json.

A breaking change to an event (a field removed, renamed, retyped or made required)
makes its old sample fail here; the fix is a new version, not an edited sample.
Reading these fixture files is the only file access in the unit tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from shared.events import DomainEvent, Envelope, event_class_for, registered_events
from shared.events.base import CE_TYPE_PREFIX

SAMPLES = Path(__file__).parent / "event_samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))
_NAME = re.compile(r"(?P<type>[A-Za-z]+)\.v(?P<version>[0-9]+)\.json")


def _sample_name(cls: type[DomainEvent]) -> str:
    return f"{cls.TYPE}.v{cls.VERSION}.json"


# Only the platform's events (declared in shared.events.<service>), not throwaway test events.
PLATFORM_EVENTS = sorted(
    (c for c in registered_events().values() if c.__module__.startswith("shared.events.")), key=_sample_name
)


@pytest.mark.parametrize("cls", PLATFORM_EVENTS, ids=_sample_name)
def test_every_registered_event_has_a_sample(cls: type[DomainEvent]) -> None:
    assert (SAMPLES / _sample_name(cls)).is_file(), f"add a sample: {SAMPLES / _sample_name(cls)}"


def test_sample_files_are_named_by_type_and_version() -> None:
    assert SAMPLE_FILES
    for path in SAMPLE_FILES:
        assert _NAME.fullmatch(path.name), path.name


def _covers(dumped: object, sample: object) -> bool:
    """``dumped`` holds everything in ``sample`` unchanged (objects may have gained keys)."""
    if isinstance(sample, dict):
        return isinstance(dumped, dict) and all(k in dumped and _covers(dumped[k], v) for k, v in sample.items())
    if isinstance(sample, list):
        return isinstance(dumped, list) and len(dumped) == len(sample) and all(map(_covers, dumped, sample))
    return dumped == sample


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_sample_still_parses_into_its_class(path: Path) -> None:
    m = _NAME.fullmatch(path.name)
    assert m is not None
    ce_type = f"{CE_TYPE_PREFIX}{m['type']}.v{m['version']}"
    cls = event_class_for(ce_type)
    assert cls is not None, (
        f"{path.name}: no registered class for {ce_type}; a version may only go once no one sends it"
    )

    raw = path.read_bytes()
    env = Envelope.from_json(raw)
    assert env.type == ce_type
    event = env.event()
    assert isinstance(event, cls)
    assert env.subject == event.aggregate_key

    # Nothing in the sample was dropped or reinterpreted on the way in. Fields added since the
    # sample was written must be optional (that is what keeps the version): they take defaults.
    sample = orjson.loads(raw)["data"]
    dumped = event.model_dump(mode="json")
    assert _covers(dumped, sample), f"{path.name}: the event no longer carries the sample's data unchanged"
    for added in dumped.keys() - sample.keys():
        assert not cls.model_fields[added].is_required(), f"{added} was added as a required field: a new version"
