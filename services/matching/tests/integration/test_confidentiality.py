"""What carriers see of the demands they are suggested for (shared.visibility): no demand before it
is published, and of a confidential demand nothing derived from its hidden details (matched terms,
scores, ranks, explanations) until their carrier is granted access (``DemandAccessGranted``, applied
once however often it is delivered; ``DemandAccessRevoked`` takes it back)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from services.matching.glossary import concepts
from services.matching.tests.integration.support import (
    PM,
    STAFF,
    Matching,
    carrier_registered,
    carrier_user,
    demand_published,
    enterprise_user,
    matching_service,
    now,
)
from shared.events import demand as demand_ev
from shared.testing import auth_headers
from shared.text import tokenize

FreshDb = Callable[[str], Awaitable[str]]

SOLAR = ["energy.solar"]
# A word only the confidential description says (not its title, keywords or fields), and every
# term matching derives from it: its CJK bigrams and its glossary concept.
MARKER = "钙钛矿"
MARKER_TERMS = set(tokenize(MARKER)) | set(concepts(MARKER))
TITLE = "光伏组件转换效率提升"
DESCRIPTION = f"采用{MARKER}叠层结构提升光伏组件转换效率至百分之三十，并解决湿热环境下的衰减问题。"


def carriers() -> list[Any]:
    return [
        carrier_registered(name=name, fields=SOLAR, capabilities=caps, keywords=[MARKER, "光伏组件"])
        for name, caps in (
            ("新型光伏研究所", f"{MARKER}太阳电池、叠层电池、光伏组件封装与可靠性"),
            ("光伏材料工程中心", f"{MARKER}薄膜材料、光伏组件转换效率测试"),
        )
    ]


def submitted(pub: demand_ev.DemandPublished) -> demand_ev.DemandSubmitted:
    return demand_ev.DemandSubmitted(**pub.model_dump(exclude={"published_at"}), submitted_at=now())


def leaked(text: str) -> set[str]:
    return {t for t in MARKER_TERMS if t in text} | ({MARKER} if MARKER in text else set())


async def inbox(m: Matching, carrier_id: uuid.UUID, headers: dict[str, str]) -> tuple[dict[str, Any], str]:
    r = await m.client.get(f"/api/v1/carriers/{carrier_id}/suggestions", headers=headers)
    assert r.status_code == 200, r.text
    return {i["demand_id"]: i for i in r.json()["items"]}, r.text


async def test_a_demand_reaches_no_carrier_before_it_is_published(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        a, b = carriers()
        await m.wait_applied(*await m.publish(a, b))
        pub = demand_published(title=TITLE, description=DESCRIPTION, fields=SOLAR, keywords=["光伏组件"])
        demand_id = str(pub.demand_id)
        await m.wait_applied(*await m.publish(submitted(pub)))

        # Staff and the demand's enterprise see the submitted demand's suggestions (to review them).
        staff_view = await m.suggestions(pub.demand_id)
        assert staff_view["status"] == "submitted"
        assert str(a.carrier_id) in {c["carrier_id"] for c in staff_view["carriers"]}
        assert (await m.suggestions(pub.demand_id, enterprise_user(pub.enterprise_id)))["carriers"]
        staff_inbox, _ = await inbox(m, a.carrier_id, STAFF)
        assert demand_id in staff_inbox

        # A carrier it is suggested to sees nothing of it: not in its inbox, no suggestions (404, as
        # if matching did not know it, like GET /demands/{id}).
        for carrier in (a, b):
            as_carrier = carrier_user(carrier.carrier_id)
            items, _ = await inbox(m, carrier.carrier_id, as_carrier)
            assert demand_id not in items
            r = await m.client.get(f"/api/v1/demands/{demand_id}/suggestions", headers=as_carrier)
            assert r.status_code == 404, r.text
        # Nor of a decision about it: a project manager rejects B for the submitted demand.
        r = await m.client.post(
            "/api/v1/matches",
            json={"demand_id": demand_id, "carrier_id": str(b.carrier_id), "decision": "rejected",
                  "reason": {"code": "other"}},
            headers=PM,
        )  # fmt: skip
        assert r.status_code == 201, r.text
        match_id = r.json()["match_id"]
        as_b = carrier_user(b.carrier_id)
        assert (await m.client.get("/api/v1/matches", headers=as_b)).json()["items"] == []
        assert (await m.client.get(f"/api/v1/matches/{match_id}", headers=as_b)).status_code == 404
        # Nor does another enterprise or a dashboard viewer (404 rather than 403: its existence too).
        for stranger in (enterprise_user(uuid.uuid4()), auth_headers("dashboard_viewer")):
            r = await m.client.get(f"/api/v1/demands/{demand_id}/suggestions", headers=stranger)
            assert r.status_code == 404, r.text
        # Asking for suggestions again answers as reading them does: 404, not a 403 that confirms it.
        for stranger in (as_b, enterprise_user(uuid.uuid4()), auth_headers("dashboard_viewer")):
            r = await m.client.post(f"/api/v1/demands/{demand_id}/suggestions", headers=stranger)
            assert r.status_code == 404, r.text

        # Published: now it reaches them (a public demand: in full).
        await m.wait_applied(*await m.publish(pub))
        r = await m.client.post(f"/api/v1/demands/{demand_id}/suggestions", headers=as_b)
        assert r.status_code == 403, r.text  # it exists for them now; asking again is not theirs
        as_a = carrier_user(a.carrier_id)
        items, _ = await inbox(m, a.carrier_id, as_a)
        assert items[demand_id]["matched_terms"] and items[demand_id]["score"] is not None
        mine = await m.suggestions(pub.demand_id, as_a)
        assert [c["carrier_id"] for c in mine["carriers"]] == [str(a.carrier_id)]
        assert mine["carriers"][0]["matched_terms"] and mine["enterprise_id"] == str(pub.enterprise_id)
        r = await m.client.get(f"/api/v1/demands/{demand_id}/suggestions", headers=enterprise_user(uuid.uuid4()))
        assert r.status_code == 403
        [decided] = (await m.client.get("/api/v1/matches", headers=as_b)).json()["items"]
        assert decided["match_id"] == match_id and decided["score"] is not None
        r = await m.client.get(f"/api/v1/matches/{match_id}", headers=as_b)
        assert r.status_code == 200 and r.json()["score"] == decided["score"]


async def test_a_confidential_demands_hidden_text_reaches_a_carrier_only_with_a_grant(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        a, b = carriers()
        await m.wait_applied(*await m.publish(a, b))
        pub = demand_published(
            title=TITLE, description=DESCRIPTION, fields=SOLAR, keywords=["光伏组件"], confidentiality="confidential"
        )
        demand_id = str(pub.demand_id)
        await m.wait_applied(*await m.publish(pub))

        # Staff and the enterprise see the marker's terms: they are there to leak.
        for full in (STAFF, enterprise_user(pub.enterprise_id)):
            view = await m.suggestions(pub.demand_id, full)
            terms = {t for c in view["carriers"] for t in c["matched_terms"]}
            assert terms & MARKER_TERMS, view
        suggested = {c["carrier_id"] for c in view["carriers"]}
        assert {str(a.carrier_id), str(b.carrier_id)} <= suggested

        async def assert_teaser_only(carrier: Any) -> None:
            headers = carrier_user(carrier.carrier_id)
            r = await m.client.get(f"/api/v1/demands/{demand_id}/suggestions", headers=headers)
            assert r.status_code == 200, r.text
            assert not leaked(r.text), r.text
            view = r.json()
            assert "enterprise_id" not in view  # the owner is a hidden detail too
            [entry] = view["carriers"]
            assert entry["carrier_id"] == str(carrier.carrier_id) and entry["teaser"] is True
            assert entry["matched_terms"] == [] and entry["explanation"] == [] and entry["adjustments"] == []
            assert entry["score"] is None and entry["rank"] is None and entry["base_score"] is None
            assert set(entry["components"]) <= {"fields", "track_record", "capacity"}
            assert entry["components"]["fields"] == 1.0
            items, text = await inbox(m, carrier.carrier_id, headers)
            assert not leaked(text), text
            item = items[demand_id]
            assert (item["title"], item["teaser"], item["matched_terms"], item["score"]) == (TITLE, True, [], None)

        async def assert_full(carrier: Any) -> None:
            headers = carrier_user(carrier.carrier_id)
            view = await m.suggestions(pub.demand_id, headers)
            [entry] = view["carriers"]
            assert set(entry["matched_terms"]) & MARKER_TERMS and entry["score"] is not None
            assert view["enterprise_id"] == str(pub.enterprise_id) and "teaser" not in entry
            items, _ = await inbox(m, carrier.carrier_id, headers)
            assert set(items[demand_id]["matched_terms"]) & MARKER_TERMS and "teaser" not in items[demand_id]

        await assert_teaser_only(a)
        await assert_teaser_only(b)
        # The enterprise grants carrier A access (the demand service's event): A sees it all, B not.
        grant = demand_ev.DemandAccessGranted(
            demand_id=pub.demand_id, carrier_id=a.carrier_id, granted_by="ent-user", granted_at=now()
        )
        [genv] = await m.publish(grant)
        await m.wait_applied(genv)
        assert await m.deliver(genv) == "duplicate"
        await assert_full(a)
        await assert_teaser_only(b)

        # Revoked: A is back to the teaser.
        revoke = demand_ev.DemandAccessRevoked(
            demand_id=pub.demand_id, carrier_id=a.carrier_id, revoked_by="ent-user", revoked_at=now()
        )
        await m.wait_applied(*await m.publish(revoke))
        await assert_teaser_only(a)

        # A decision about a carrier shows it no score either.
        r = await m.client.post(
            "/api/v1/matches",
            json={"demand_id": demand_id, "carrier_id": str(b.carrier_id), "decision": "rejected",
                  "reason": {"code": "other"}},
            headers=PM,
        )  # fmt: skip
        assert r.status_code == 201 and r.json()["score"] is not None, r.text
        as_b = carrier_user(b.carrier_id)
        [decided] = (await m.client.get("/api/v1/matches", headers=as_b)).json()["items"]
        one = (await m.client.get(f"/api/v1/matches/{r.json()['match_id']}", headers=as_b)).json()
        for seen in (decided, one):
            assert (seen["score"], seen["teaser"], seen["carrier_id"]) == (None, True, str(b.carrier_id))
        assert (await m.client.get(f"/api/v1/matches/{r.json()['match_id']}", headers=STAFF)).json()["score"]
