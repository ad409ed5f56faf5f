"""``itp simulate``: live activity on a running platform, bounded (``--events``, ``--duration``).

Through the gateway as an operator would work: new demands of the enterprises already there
(the demo record's, say) are submitted and published, and a published demand's best suggested
carrier is accepted once matching has suggested (which drafts a contract), so the dashboard's
stream moves. Seeded: the same seed makes the same choices.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from itp.demo import FIELDS, GOALS, OUTCOMES
from shared.auth import issue_token
from shared.settings import ServiceSettings


def _demand(rng: random.Random, enterprise: dict[str, Any]) -> dict[str, Any]:
    field = rng.choice(list(FIELDS))
    topic, keywords, _ = FIELDS[field]
    goal = rng.choice(GOALS)
    trl = rng.randint(2, 5)
    return {
        "enterprise_id": enterprise["id"],
        "title": f"{topic}{goal}",
        "description": f"面向{topic}领域，开展{goal}，重点突破{keywords[0]}与{keywords[1]}相关的工程化难题。",
        "fields": [field],
        "keywords": rng.sample(keywords, 2),
        "demand_type": "technology_development",
        "expected_outcome": rng.choice(OUTCOMES),
        "trl_current": trl,
        "trl_target": trl + 2,
        "budget": f"{rng.randint(50, 800) * 10000}.00",
        "deadline": (datetime.now(UTC) + timedelta(days=rng.randint(120, 360))).isoformat(),
        "province": enterprise.get("province") or "江苏",
        "city": enterprise.get("city") or "苏州",
        "contact": {"name": "项目联系人"},
    }


async def simulate(
    base_url: str, *, events: int, duration_s: float, rate: float, seed: int, token: str | None = None
) -> Counter[str]:
    """Act until ``events`` actions are done or ``duration_s`` has passed; what was done, counted."""
    rng = random.Random(seed)
    token = token or issue_token(ServiceSettings(), subject="simulator", roles=["operator"])
    done: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=base_url, timeout=10, headers={"Authorization": f"Bearer {token}"}) as c:
        r = await c.get("/api/v1/enterprises", params={"limit": 100})
        r.raise_for_status()
        enterprises = r.json()["items"]
        if not enterprises:
            raise SystemExit("no enterprises to act for: load the demo record first (itp demo-data)")
        waiting: list[str] = []  # demands published here, until matching has suggested for them
        until = time.monotonic() + duration_s
        while sum(done.values()) < events and time.monotonic() < until:
            if waiting and rng.random() < 0.5:
                demand_id = waiting.pop(0)
                r = await c.get(f"/api/v1/demands/{demand_id}/suggestions")
                carriers = r.json().get("carriers", []) if r.status_code == 200 else []
                if carriers:
                    decision = {"demand_id": demand_id, "carrier_id": carriers[0]["carrier_id"], "decision": "accepted"}
                    r = await c.post("/api/v1/matches", json=decision)
                    done["matches accepted" if r.status_code < 300 else "refused"] += 1
                else:
                    waiting.append(demand_id)  # not suggested yet: later
            else:
                body = _demand(rng, rng.choice(enterprises))
                r = await c.post("/api/v1/demands", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
                if r.status_code >= 300:
                    done["refused"] += 1
                else:
                    done["demands submitted"] += 1
                    demand_id = r.json()["id"]
                    r = await c.post(f"/api/v1/demands/{demand_id}/publish")
                    if r.status_code < 300:
                        done["demands published"] += 1
                        waiting.append(demand_id)
            await asyncio.sleep(1 / rate)
    return done


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the gateway")
    parser.add_argument("--events", type=int, default=100, help="stop after this many actions")
    parser.add_argument("--duration", type=float, default=120.0, help="stop after this many seconds")
    parser.add_argument("--rate", type=float, default=2.0, help="actions per second, at most")
    parser.add_argument("--seed", type=int, default=1, help="the same seed makes the same choices")


def run(args: argparse.Namespace) -> None:
    done = asyncio.run(simulate(args.url, events=args.events, duration_s=args.duration, rate=args.rate, seed=args.seed))
    print("simulated: " + (", ".join(f"{n} {what}" for what, n in sorted(done.items())) or "nothing"))
