"""The committed event catalogue matches the event classes (regenerate with `itp catalogue`)."""

import json
from pathlib import Path

from itp.catalogue import render_asyncapi, render_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_events_md_is_current() -> None:
    assert (DOCS / "events.md").read_text(encoding="utf-8") == render_markdown(), "run: itp catalogue"


def test_asyncapi_is_current() -> None:
    assert json.loads((DOCS / "asyncapi.json").read_text(encoding="utf-8")) == render_asyncapi()


def test_every_nested_model_is_published_as_a_component() -> None:
    # The official parser refused the document when nested models were referenced but not included.
    schemas = render_asyncapi()["components"]["schemas"]
    assert {"ProposedDemand", "UnservedDemand", "MatchReason", "SuggestedCarrier", "SuggestedExpert"} <= set(schemas)


def test_matching_consumes_what_demand_and_talent_publish() -> None:
    md = render_markdown()
    assert "| DemandSubmitted | 1 | `itp.demand.events` | `demand_id` | demand | matching, dashboard |" in md
    assert "| CarrierRegistered | 1 | `itp.talent.events` | `carrier_id` | talent | matching, dashboard |" in md
