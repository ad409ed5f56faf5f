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
    MilestoneStatus,
    Payment,
    allowed_milestone_actions,
    signing_problems,
)
from shared.records import to_json
from shared.responses import dumps

# The version of ``contract_view``'s output: bump it with any change to what it shows, so that the
# views stored by the previous release are never served (they are rendered afresh until refreshed).
RENDERER = 1


def contract_view(c: Contract) -> dict[str, Any]:
    t = c.terms
    binding = c.status in BINDING
    negotiated = c.negotiated_terms
    signing = None
    if negotiated is not None:
        signing = {
            "version": c.negotiated_version,
            "enterprise_signature": to_json(c.enterprise_signature),
            "carrier_signature": to_json(c.carrier_signature),
            "problems": signing_problems(negotiated),
        }
    return {
        "id": c.id,
        "match_id": c.match_id,
        "demand_id": c.demand_id,
        "enterprise_id": c.enterprise_id,
        "carrier_id": c.carrier_id,
        "project_manager_id": c.project_manager_id,
        "center_id": c.center_id,
        "status": c.status.value,
        "allowed_actions": c.allowed_actions(),
        "contract_type": t.contract_type.value,
        "title": t.title,
        "scope": t.scope,
        "value": t.value,
        "currency": "CNY",
        "starts_on": t.starts_on,
        "ends_on": t.ends_on,
        "ip_ownership": t.ip_ownership.value if t.ip_ownership else None,
        "ip_enterprise_share": t.ip_enterprise_share,
        "ip_carrier_share": t.ip_carrier_share,
        "confidentiality": t.confidentiality.value,
        "confidentiality_years": t.confidentiality_years,
        "milestones": [
            {
                "id": m.id,
                "position": m.position,
                "title": m.title,
                "deliverables": m.deliverables,
                "due_on": m.due_on,
                "amount": m.amount,
                "status": m.status.value,
                "paid_amount": m.paid_amount,
                "outstanding": ZERO if m.status is MilestoneStatus.CANCELLED else m.outstanding,
                "delivered_at": m.delivered_at,
                "delivery_note": m.delivery_note,
                "accepted_at": m.accepted_at,
                "rejected_at": m.rejected_at,
                "rejection_reason": m.rejection_reason,
                "rejections": m.rejections,
                "paid_at": m.paid_at,
                "cancelled_at": m.cancelled_at,
                "allowed_actions": allowed_milestone_actions(m.status) if binding else [],
            }
            for m in c.milestones
        ],
        "milestones_total": t.milestones_total,
        "paid_total": c.paid_total,
        "outstanding": ZERO if c.status is ContractStatus.TERMINATED else c.value - c.paid_total,
        "investment": to_json(t.investment),
        "conversion": to_json(c.conversion),
        "contract_version": c.contract_version,
        "signing": signing,
        "amendment": (
            {
                "version": c.latest_version,
                "terms": to_json(c.proposal),
                "changes": c.proposal_changes,
            }
            if c.proposal is not None
            else None
        ),
        "signed_at": c.signed_at,
        "signed_month": c.signed_month,
        "completed_at": c.completed_at,
        "terminated_at": c.terminated_at,
        "termination_reason": c.termination_reason,
        "created_by": c.created_by,
        "version": c.version,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


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
