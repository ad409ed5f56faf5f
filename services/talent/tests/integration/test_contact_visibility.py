"""Personal contact data per role: operators, admins and the users of the person's own carrier
see it; everyone else gets the person without any contact field, in lists as in reads."""

from __future__ import annotations

from typing import Any

import pytest

from services.talent.tests.integration.helpers import (
    ADMIN,
    DASHBOARD,
    OPERATOR,
    PROJECT_MANAGER,
    TalentApp,
    carrier_user,
    create_carrier,
    create_person,
    enterprise_user,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def setting(talent: TalentApp) -> dict[str, Any]:
    home = await create_carrier(talent)
    elsewhere = await create_carrier(talent)
    person = await create_person(talent, home["id"])
    unaffiliated = await create_person(talent, None, university="清华大学")
    return {"home": home, "elsewhere": elsewhere, "person": person, "unaffiliated": unaffiliated}


CONTACT_FIELDS = {"contact", "email", "phone", "wechat"}


def viewers(setting: dict[str, Any]) -> list[tuple[str, dict[str, str], bool]]:
    return [
        ("operator", OPERATOR, True),
        ("admin", ADMIN, True),
        ("own carrier user", carrier_user(setting["home"]["id"]), True),
        ("other carrier user", carrier_user(setting["elsewhere"]["id"]), False),
        ("project manager", PROJECT_MANAGER, False),
        ("dashboard viewer", DASHBOARD, False),
        ("enterprise user", enterprise_user(), False),
    ]


async def test_contact_data_only_for_operators_admins_and_the_own_carrier(
    talent: TalentApp, setting: dict[str, Any]
) -> None:
    person = setting["person"]
    expected_contact = person["contact"]
    assert expected_contact["email"] and expected_contact["phone"] and expected_contact["wechat"]
    for who, headers, sees in viewers(setting):
        async with talent.client(headers) as c:
            one = await c.get(f"/api/v1/people/{person['id']}")
            listed = await c.get("/api/v1/people", params={"carrier_id": setting["home"]["id"]})
        assert one.status_code == 200, (who, one.text)
        assert one.json()["name"] == person["name"], who
        in_list = next(p for p in listed.json()["items"] if p["id"] == person["id"])
        for body in (one.json(), in_list):
            if sees:
                assert body["contact"] == expected_contact, who
            else:
                assert not CONTACT_FIELDS & set(body), (who, body)
                assert expected_contact["email"] not in str(body), who


async def test_no_carrier_user_sees_contact_of_someone_without_a_carrier(
    talent: TalentApp, setting: dict[str, Any]
) -> None:
    pid = setting["unaffiliated"]["id"]
    async with talent.client(carrier_user(setting["home"]["id"])) as c:
        body = (await c.get(f"/api/v1/people/{pid}")).json()
    assert "contact" not in body
    async with talent.client(OPERATOR) as c:
        assert (await c.get(f"/api/v1/people/{pid}")).json()["contact"]["email"]


async def test_an_edit_by_a_project_manager_answers_without_contact_data(
    talent: TalentApp, setting: dict[str, Any]
) -> None:
    person = await create_person(talent, setting["home"]["id"])
    async with talent.client(PROJECT_MANAGER) as c:
        r = await c.patch(f"/api/v1/people/{person['id']}", json={"capacity": 3}, headers={"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert "contact" not in r.json()
    async with talent.client(OPERATOR) as c:
        assert (await c.get(f"/api/v1/people/{person['id']}")).json()["contact"] == person["contact"]
