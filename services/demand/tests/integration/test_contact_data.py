"""Enterprise contact data (e-mails and phones of enterprises and of demands' contacts) reaches
operators, admins and the enterprise's own users only: the rule people's contact data follows."""

from __future__ import annotations

from typing import Any

import pytest

from services.demand.tests.integration.helpers import (
    DASHBOARD,
    OPERATOR,
    PROJECT_MANAGER,
    DemandApp,
    act,
    carrier_user,
    create_demand,
    enterprise_user,
    register_enterprise,
)
from shared.testing import auth_headers

pytestmark = pytest.mark.integration

PHONE = "+86 512 6666 0101"
EMAIL = "zhang.contact@example.cn"
ADMIN = auth_headers("admin", subject="admin-1")


@pytest.fixture
async def party(demand: DemandApp) -> dict[str, Any]:
    c = demand.client
    ent = await register_enterprise(c, contacts=[{"name": "张工", "phone": PHONE, "email": EMAIL}])
    d = await create_demand(c, ent["id"], contact={"name": "张工", "phone": PHONE, "email": EMAIL})
    published = await act(c, d["id"], "publish", headers=PROJECT_MANAGER)
    carrier = "a8a7c8f1-0c2b-4a56-9f49-3f0c7e1b2d11"
    r = await c.post(
        f"/api/v1/demands/{d['id']}/access-grants", json={"carrier_id": carrier}, headers=enterprise_user(ent["id"])
    )
    assert r.status_code in (200, 201), r.text
    return {"enterprise": ent["id"], "demand": d["id"], "carrier": carrier, "published": published}


def reveals(body: Any) -> bool:
    text = str(body)
    return PHONE in text or EMAIL in text


async def test_project_managers_viewers_and_carriers_see_no_enterprise_contact_data(
    demand: DemandApp, party: dict[str, Any]
) -> None:
    c = demand.client
    ent, dem = party["enterprise"], party["demand"]
    for who, headers in (("pm", PROJECT_MANAGER), ("viewer", DASHBOARD)):
        for path in (f"/api/v1/enterprises/{ent}", "/api/v1/enterprises?limit=100"):
            r = await c.get(path, headers=headers)
            assert r.status_code == 200 and not reveals(r.json()), (who, path, r.text)
        one = (await c.get(f"/api/v1/enterprises/{ent}", headers=headers)).json()
        assert one["contacts"] == [{"name": "张工"}], who
    for headers in (PROJECT_MANAGER, carrier_user(party["carrier"])):
        r = await c.get(f"/api/v1/demands/{dem}", headers=headers)
        assert r.status_code == 200 and r.json()["contact"] == {"name": "张工"}, r.text
        r = await c.get(f"/api/v1/demands?enterprise_id={ent}", headers=headers)
        assert r.status_code == 200 and r.json()["items"] and not reveals(r.json()), r.text
    # Nor does the answer to a project manager's own write.
    assert party["published"]["contact"] == {"name": "张工"}


async def test_operators_admins_and_the_enterprise_see_its_contact_data(
    demand: DemandApp, party: dict[str, Any]
) -> None:
    c = demand.client
    ent, dem = party["enterprise"], party["demand"]
    for headers in (OPERATOR, ADMIN, enterprise_user(ent)):
        r = await c.get(f"/api/v1/enterprises/{ent}", headers=headers)
        assert r.json()["contacts"] == [{"name": "张工", "phone": PHONE, "email": EMAIL}], r.text
        r = await c.get(f"/api/v1/demands/{dem}", headers=headers)
        assert r.json()["contact"] == {"name": "张工", "phone": PHONE, "email": EMAIL}, r.text
