"""How a contract is shown: the one rendering of a contract (and of a recorded payment).

Every write stores the rendered contract in ``contracts.view`` (see the repository), in the
same statement that writes the contract's row, stamped with the row version it shows and the
``RENDERER`` that rendered it; reads serve the stored bytes only while both are current, and
render the contract afresh otherwise (``itp views refresh`` stores them again after a deploy).
The view depends on the contract's state only (never on the caller or the clock), which is
what makes storing it correct.
"""

from __future__ import annotations

from typing import Any

from services.contracts.domain import (
    BINDING,
    ZERO,
    Contract,
    ContractStatus,
    Milestone,
    MilestoneStatus,
    Payment,
    allowed_milestone_actions,
    signing_problems,
)
from services.contracts.schemas import ContractOut, MilestoneOut
from shared.records import column, to_json
from shared.responses import dumps

# The version of ``contract_view``'s output: bump it with any change to what it shows, so that the
# views stored by the previous release are never served (they are rendered afresh until refreshed).
RENDERER = 1


def contract_view(c: Contract) -> dict[str, Any]:
    """The contract as ``ContractOut`` documents it: its fields in its order, each the contract's
    (or its terms') attribute of that name unless derived here."""
    t = c.terms
    binding = c.status in BINDING
    negotiated = c.negotiated_terms
    derived: dict[str, Any] = {
        "allowed_actions": c.allowed_actions(),
        "currency": "CNY",
        "milestones": [_milestone(m, binding) for m in c.milestones],
        "outstanding": ZERO if c.status is ContractStatus.TERMINATED else c.value - c.paid_total,
        "investment": to_json(t.investment),
        "conversion": to_json(c.conversion),
        "signing": None
        if negotiated is None
        else {
            "version": c.negotiated_version,
            "enterprise_signature": to_json(c.enterprise_signature),
            "carrier_signature": to_json(c.carrier_signature),
            "problems": signing_problems(negotiated),
        },
        "amendment": None
        if c.proposal is None
        else {"version": c.latest_version, "terms": to_json(c.proposal), "changes": c.proposal_changes},
    }
    return {
        name: derived[name] if name in derived else column(getattr(c if hasattr(c, name) else t, name))
        for name in _CONTRACT_OUT
    }


def _milestone(m: Milestone, binding: bool) -> dict[str, Any]:
    derived = {
        "outstanding": ZERO if m.status is MilestoneStatus.CANCELLED else m.outstanding,
        "allowed_actions": allowed_milestone_actions(m.status) if binding else [],
    }
    return {name: derived[name] if name in derived else column(getattr(m, name)) for name in _MILESTONE_OUT}


_CONTRACT_OUT = tuple(ContractOut.model_fields)
_MILESTONE_OUT = tuple(MilestoneOut.model_fields)


def payment_view(p: Payment, c: Contract) -> dict[str, Any]:
    m = c.milestone(p.milestone_id)
    return {
        "id": p.id,
        "contract_id": p.contract_id,
        "milestone_id": p.milestone_id,
        "amount": p.amount,
        "paid_on": p.paid_on,
        "reference": p.reference,
        "note": p.note,
        "recorded_by": p.recorded_by,
        "recorded_at": p.recorded_at,
        "milestone": {"status": m.status.value, "amount": m.amount, "paid_amount": m.paid_amount},
        "contract": {
            "status": c.status.value,
            "value": c.value,
            "paid_total": c.paid_total,
            "version": c.version,
        },
    }


def stored_view(c: Contract) -> str:
    """The JSON text of ``contract_view(c)``, as stored with the contract and served by lists."""
    return dumps(contract_view(c)).decode()


def contract_page(views: list[str], next_cursor: str | None) -> bytes:
    """``{"items": [...], "next_cursor": ...}`` built from stored views, byte for byte what
    rendering the same contracts and dumping the page would give, without parsing them."""
    items = ",".join(views).encode()
    return b'{"items":[' + items + b'],"next_cursor":' + dumps(next_cursor) + b"}"
