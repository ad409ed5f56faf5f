"""GET /api/v1/vocabulary/infer: vocabulary codes suggested for a text (issue 19)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from services.matching.tests.integration.support import enterprise_user, matching_service

FreshDb = Callable[[str], Awaitable[str]]


async def test_codes_are_suggested_for_a_text_ranked_with_a_confidence(fresh_db: FreshDb) -> None:
    url = await fresh_db("matching")
    async with matching_service(url) as m:
        body = {"title": "厂区冷却塔夜间噪声扰民", "description": "居民投诉噪音太大，需要降噪和隔声方案"}
        r = await m.client.get("/api/v1/vocabulary/infer", params=body, headers=enterprise_user(uuid.uuid4()))
        assert r.status_code == 200, r.text
        ranked = r.json()
        assert ranked[0]["code"] == "acoustics.noise" and ranked[0]["en"] == "Noise and vibration control"
        confidences = [c["confidence"] for c in ranked]
        assert confidences == sorted(confidences, reverse=True) and all(0 < c < 1 for c in confidences)
        assert (await m.client.get("/api/v1/vocabulary/infer", params=body)).status_code == 401
        empty = await m.client.get("/api/v1/vocabulary/infer", headers=enterprise_user(uuid.uuid4()))
        assert empty.status_code == 200 and empty.json() == []
        bad = await m.client.get("/api/v1/vocabulary/infer", params={"limit": 0}, headers=enterprise_user(uuid.uuid4()))
        assert bad.status_code == 422
