"""Who may see contact data (e-mails, phones, WeChat ids) of people and enterprises.

One rule, read by every service that holds contact data: operators and admins, and the users of
the party the contact belongs to (a person's own carrier, an enterprise's own users). Everyone
else, project managers and dashboards included, sees names without the ways to reach them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from shared.auth import Actor, Role

CONTACT_DATA = frozenset({"email", "phone", "wechat"})


def can_see_contact(
    actor: Actor, *, carrier_id: uuid.UUID | None = None, enterprise_id: uuid.UUID | None = None
) -> bool:
    """Whether ``actor`` may see the contact data of a party of ``carrier_id`` or ``enterprise_id``
    (a claim without its role grants nothing)."""
    if actor.has(Role.OPERATOR, Role.ADMIN):
        return True
    if carrier_id is not None and actor.has(Role.CARRIER_USER) and actor.carrier_id == carrier_id:
        return True
    return enterprise_id is not None and actor.has(Role.ENTERPRISE_USER) and actor.enterprise_id == enterprise_id


def without_contact_data(contact: Mapping[str, Any]) -> dict[str, Any]:
    """A contact (``{"name", "email", "phone", ...}``) without the ways to reach it."""
    return {k: v for k, v in contact.items() if k not in CONTACT_DATA}
