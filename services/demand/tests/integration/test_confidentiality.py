"""Confidential demands and roles: who sees the full text, who sees only the teaser (in the single
view, in lists and in search results), who sees nothing, and who may do what."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from services.demand.tests.integration.helpers import (
    DASHBOARD,
    OPERATOR,
    PROJECT_MANAGER,
    DemandApp,
    act,
    assert_problem,
    carrier_user,
    create_demand,
    demand_body,
    enterprise_body,
    enterprise_user,
    published_demand,
    register_enterprise,
)
from shared.testing import auth_headers

pytestmark = pytest.mark.integration

TEASER_KEYS = {"id", "title", "fields", "demand_type", "budget_band", "status", "confidentiality", "teaser"}
# A word that appears only in the confidential description (not in its title, keywords or fields).
SECRET = "钙钛矿"
SECRET_DESCRIPTION = f"采用{SECRET}叠层结构提升组件转换效率至百分之三十，并解决湿热环境下的衰减问题。"


@pytest.fixture
async def setting(demand: DemandApp) -> dict[str, Any]:
    """An enterprise with a published confidential demand and a published public one; a tag in both
    titles scopes this test's searches."""
    c = demand.client
    ent = await register_enterprise(c)
    tag = f"k{uuid.uuid4().hex[:10]}"
    secret = await published_demand(
        c, ent["id"], title=f"光伏组件效率提升 {tag}", description=SECRET_DESCRIPTION, fields=["energy.solar"],
        keywords=["叠层组件"], confidentiality="confidential", budget="2500000.00",
    )  # fmt: skip
    public = await published_demand(c, ent["id"], title=f"公开的储能需求 {tag}", confidentiality="public")
    return {"enterprise": ent["id"], "secret": secret, "public": public, "tag": tag}


def assert_teaser(view: dict[str, Any], demand: dict[str, Any]) -> None:
    assert set(view) == TEASER_KEYS, view
    assert view["teaser"] is True
    assert (view["id"], view["title"], view["fields"], view["demand_type"], view["status"]) == (
        demand["id"],
        demand["title"],
        demand["fields"],
        demand["demand_type"],
        demand["status"],
    )
    assert view["budget_band"] == "2M-10M CNY"


def assert_full(view: dict[str, Any], demand: dict[str, Any]) -> None:
    assert "teaser" not in view
    assert view["description"] == demand["description"]
    assert view["budget"] == demand["budget"]
    # Its contact's e-mail and phone only for some (test_contact_data.py); its name for all who see it in full.
    assert view["contact"]["name"] == demand["contact"]["name"]


async def listed(demand: DemandApp, headers: dict[str, str], **params: Any) -> dict[str, dict[str, Any]]:
    r = await demand.client.get("/api/v1/demands", params={"limit": 100, **params}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["next_cursor"] is None
    return {item["id"]: item for item in r.json()["items"]}


async def test_carrier_without_access_sees_only_the_teaser(demand: DemandApp, setting: dict[str, Any]) -> None:
    c, secret, public = demand.client, setting["secret"], setting["public"]
    carrier = carrier_user(uuid.uuid4())

    r = await c.get(f"/api/v1/demands/{secret['id']}", headers=carrier)
    assert r.status_code == 200
    assert_teaser(r.json(), secret)
    assert "ETag" not in r.headers  # nothing to edit from a teaser
    assert SECRET not in r.text and "2500000" not in r.text and "王工" not in r.text

    r = await c.get(f"/api/v1/demands/{public['id']}", headers=carrier)
    assert_full(r.json(), public)

    items = await listed(demand, carrier, q=setting["tag"])
    assert set(items) == {secret["id"], public["id"]}
    assert_teaser(items[secret["id"]], secret)
    assert_full(items[public["id"]], public)
    # The owner is not in the teaser, so filtering by enterprise shows only what is seen in full.
    assert set(await listed(demand, carrier, enterprise_id=setting["enterprise"])) == {public["id"]}


async def test_search_never_matches_hidden_text_for_a_carrier(demand: DemandApp, setting: dict[str, Any]) -> None:
    secret, tag = setting["secret"], setting["tag"]
    carrier = carrier_user(uuid.uuid4())

    # Queries of one or two terms need every term, so the title's tag scopes them to this test.
    assert await listed(demand, carrier, q=SECRET) == {}  # 钙钛, 钛矿: only in the description
    assert await listed(demand, carrier, q=f"钙钛 {tag}") == {}
    assert await listed(demand, carrier, q="叠层组件") == {}  # keywords are not in the teaser either
    # The teaser's own terms (title, field labels) find it, and the result is still a teaser.
    found = await listed(demand, carrier, q=f"光伏 {tag}")
    assert list(found) == [secret["id"]]
    assert_teaser(found[secret["id"]], secret)
    assert list(await listed(demand, carrier, q=f"photovoltaics {tag}")) == [secret["id"]]


@pytest.mark.parametrize("who", ["operator", "project_manager", "owner"])
async def test_staff_and_the_owner_find_the_hidden_text(demand: DemandApp, setting: dict[str, Any], who: str) -> None:
    headers = {
        "operator": OPERATOR,
        "project_manager": PROJECT_MANAGER,
        "owner": enterprise_user(setting["enterprise"]),
    }[who]
    found = await listed(demand, headers, q=SECRET, enterprise_id=setting["enterprise"])
    assert list(found) == [setting["secret"]["id"]]
    assert list(await listed(demand, headers, q=f"钙钛 {setting['tag']}")) == [setting["secret"]["id"]]
    assert_full(found[setting["secret"]["id"]], setting["secret"])
    r = await demand.client.get(f"/api/v1/demands/{setting['secret']['id']}", headers=headers)
    assert_full(r.json(), setting["secret"])
    assert r.headers["ETag"] == f'"v{setting["secret"]["version"]}"'


async def test_access_grant_reveals_the_demand_to_that_carrier_only(demand: DemandApp, setting: dict[str, Any]) -> None:
    c, secret = demand.client, setting["secret"]
    granted_id, other_id = uuid.uuid4(), uuid.uuid4()
    granted, other = carrier_user(granted_id), carrier_user(other_id)
    owner = enterprise_user(setting["enterprise"])
    grants = f"/api/v1/demands/{secret['id']}/access-grants"

    r = await c.post(grants, json={"carrier_id": str(granted_id)}, headers=owner)
    assert r.status_code == 201, r.text

    assert_full((await c.get(f"/api/v1/demands/{secret['id']}", headers=granted)).json(), secret)
    assert_full((await listed(demand, granted, enterprise_id=setting["enterprise"]))[secret["id"]], secret)
    # Other tests' confidential demands say 钙钛矿 too, but this carrier sees only their teasers.
    assert list(await listed(demand, granted, q=SECRET)) == [secret["id"]]
    # Another carrier still sees the teaser and cannot search the hidden text.
    assert_teaser((await c.get(f"/api/v1/demands/{secret['id']}", headers=other)).json(), secret)
    assert await listed(demand, other, q=SECRET) == {}

    r = await c.delete(f"{grants}/{granted_id}", headers=owner)
    assert r.status_code == 204
    assert_teaser((await c.get(f"/api/v1/demands/{secret['id']}", headers=granted)).json(), secret)
    assert await listed(demand, granted, q=SECRET) == {}


async def test_dashboard_viewer_gets_teasers(demand: DemandApp, setting: dict[str, Any]) -> None:
    secret, public = setting["secret"], setting["public"]
    assert_teaser((await demand.client.get(f"/api/v1/demands/{secret['id']}", headers=DASHBOARD)).json(), secret)
    items = await listed(demand, DASHBOARD, q=setting["tag"])
    assert_teaser(items[secret["id"]], secret)
    assert_full(items[public["id"]], public)
    assert await listed(demand, DASHBOARD, q=SECRET) == {}


async def test_unpublished_demands_are_invisible_outside_their_enterprise(
    demand: DemandApp, setting: dict[str, Any]
) -> None:
    c = demand.client
    ent = setting["enterprise"]
    draft = await create_demand(c, ent, submit=False, confidentiality="public")
    submitted = await create_demand(c, ent, confidentiality="public")
    rejected = await create_demand(c, ent, confidentiality="public")
    await act(c, rejected["id"], "reject", json={"reason": "信息不完整"})
    other_ent = await register_enterprise(c)
    outsiders = {
        "other enterprise": enterprise_user(other_ent["id"]),
        "carrier": carrier_user(uuid.uuid4()),
        "dashboard": DASHBOARD,
    }
    for who, headers in outsiders.items():
        for d in (draft, submitted, rejected):
            r = await c.get(f"/api/v1/demands/{d['id']}", headers=headers)
            assert_problem(r, 404, "not-found")  # not even its existence is revealed
            assert r.json()["detail"] == f"demand {d['id']} does not exist", who
        visible = await listed(demand, headers, q=setting["tag"])
        assert set(visible) == {setting["secret"]["id"], setting["public"]["id"]}, who
        assert await listed(demand, headers, enterprise_id=ent, status=["draft", "submitted", "rejected"]) == {}
    # Its own enterprise and staff see them all.
    for headers in (enterprise_user(ent), OPERATOR):
        assert {draft["id"], submitted["id"], rejected["id"]} <= set(await listed(demand, headers, enterprise_id=ent))


async def test_an_enterprise_user_acts_only_for_its_own_enterprise(demand: DemandApp, setting: dict[str, Any]) -> None:
    c = demand.client
    ent = setting["enterprise"]
    other = await register_enterprise(c)
    intruder = enterprise_user(other["id"])

    r = await c.post("/api/v1/demands", json=demand_body(ent), headers=intruder)
    assert_problem(r, 403, "forbidden")
    r = await c.post("/api/v1/demands", json=demand_body(other["id"]), headers=intruder)
    assert r.status_code == 201  # for its own enterprise it may

    secret = setting["secret"]
    for method, path, body in [
        ("PATCH", f"/api/v1/demands/{secret['id']}", {"title": "越权修改的标题"}),
        ("POST", f"/api/v1/demands/{secret['id']}/withdraw", None),
        ("POST", f"/api/v1/demands/{secret['id']}/access-grants", {"carrier_id": str(uuid.uuid4())}),
        ("GET", f"/api/v1/demands/{secret['id']}/access-grants", None),
    ]:
        r = await c.request(method, path, json=body, headers={**intruder, "If-Match": '"v2"'})
        assert_problem(r, 403, "forbidden")
    assert (await c.get(f"/api/v1/demands/{secret['id']}", headers=OPERATOR)).json()["status"] == "published"
    assert (await c.get(f"/api/v1/enterprises/{ent}", headers=intruder)).status_code == 403


@pytest.mark.parametrize("action", ["publish", "reject", "start-negotiation"])
async def test_staff_actions_are_403_for_the_enterprise(
    demand: DemandApp, setting: dict[str, Any], action: str
) -> None:
    c = demand.client
    d = await create_demand(c, setting["enterprise"])
    r = await c.post(
        f"/api/v1/demands/{d['id']}/{action}",
        headers=enterprise_user(setting["enterprise"]),
        json={"reason": "自己审核自己"},
    )
    assert_problem(r, 403, "forbidden")
    # Callers who cannot even see the (not yet published) demand learn nothing from a write either.
    for headers in (carrier_user(uuid.uuid4()), DASHBOARD):
        r = await c.post(f"/api/v1/demands/{d['id']}/{action}", headers=headers, json={"reason": "自己审核自己"})
        assert_problem(r, 404, "not-found")
    assert (await c.get(f"/api/v1/demands/{d['id']}", headers=OPERATOR)).json()["status"] == "submitted"


async def test_carrier_cannot_create_or_register(demand: DemandApp, setting: dict[str, Any]) -> None:
    c = demand.client
    carrier = carrier_user(uuid.uuid4())
    assert_problem(
        await c.post("/api/v1/demands", json=demand_body(setting["enterprise"]), headers=carrier), 403, "forbidden"
    )
    for headers in (carrier, enterprise_user(setting["enterprise"]), DASHBOARD):
        assert_problem(await c.post("/api/v1/enterprises", json=enterprise_body(), headers=headers), 403, "forbidden")


async def test_no_token_is_401_with_www_authenticate(demand: DemandApp, setting: dict[str, Any]) -> None:
    c = demand.client
    for method, path in [
        ("GET", "/api/v1/demands"),
        ("GET", f"/api/v1/demands/{setting['secret']['id']}"),
        ("POST", "/api/v1/demands"),
        ("GET", "/api/v1/enterprises"),
    ]:
        r = await c.request(method, path)
        body = assert_problem(r, 401, "unauthenticated")
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="itp"'
        assert "www_authenticate" not in body
    assert_problem(
        await c.get("/api/v1/demands", headers={"Authorization": "Bearer not.a.token"}), 401, "invalid-token"
    )
    assert_problem(await c.get("/api/v1/demands", headers={"Authorization": "Basic abc"}), 401, "invalid-token")
    forged = auth_headers("operator")["Authorization"][:-4] + "AAAA"
    assert_problem(await c.get("/api/v1/demands", headers={"Authorization": forged}), 401, "invalid-token")
    assert (await c.get("/healthz")).status_code == 200


@pytest.mark.parametrize(
    ("matching", "not_matching"),
    [
        ({"budget_min": "2500000", "budget_max": "2500000"}, {"budget_min": "2500000.01", "budget_max": "2600000"}),
        ({"enterprise_id": "<owner>"}, {"enterprise_id": "<other>"}),
        ({"city": "苏州"}, {"city": "无锡"}),
        ({"deadline_from": "<before>"}, {"deadline_from": "<after>"}),
    ],
    ids=["budget", "enterprise", "city", "deadline"],
)
async def test_filters_on_hidden_attributes_reveal_nothing(
    demand: DemandApp, setting: dict[str, Any], matching: dict[str, str], not_matching: dict[str, str]
) -> None:
    """What a carrier gets back must not depend on values it may not see."""
    secret = setting["secret"]
    deadline = datetime.fromisoformat(secret["deadline"])
    fill = {
        "<owner>": setting["enterprise"],
        "<other>": str(uuid.uuid4()),
        "<before>": (deadline - timedelta(days=1)).isoformat(),
        "<after>": (deadline + timedelta(days=1)).isoformat(),
    }
    carrier = carrier_user(uuid.uuid4())

    async def hit(params: dict[str, str]) -> bool:
        params = {k: fill.get(v, v) for k, v in params.items()}
        return secret["id"] in await listed(demand, carrier, q=setting["tag"], **params)

    assert await hit(matching) == await hit(not_matching)
